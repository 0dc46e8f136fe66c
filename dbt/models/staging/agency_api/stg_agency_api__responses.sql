-- One row per agency API response (latest delivery of each response_id); answers are
-- in stg_agency_api__answers.
with

source as (

    select * from {{ source('raw', 'agency_api') }}

),

ranked as (

    select
        *,
        {{ later_delivery_rank(['response_id']) }} as delivery_rank
    from source

),

renamed as (

    select
        -- ids
        md5(_source || ':' || response_id) as response_key,
        cast(response_id as varchar) as response_id,
        cast(service_id as varchar) as service_id,
        customer_key,
        nullif(trim(case_id), '') as case_id,

        -- context
        lower(trim(channel)) as channel,
        nullif(lower(trim(stage)), '') as stage_key,
        nullif(trim(comment), '') as comment,

        -- timestamps
        submitted_at,

        -- lineage
        _source,
        _source_file,
        _file_sha256,
        _row_number,
        _delivered_at,
        _loaded_at

    from ranked
    where delivery_rank = 1

)

select * from renamed
