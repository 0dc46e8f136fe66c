-- One row per delivered agency API response; answers are in stg_agency_api__answers.
-- A plain rename/cast view, no dedup here (a window would stop a _loaded_at filter
-- from reaching the raw scan): the incremental facts keep the later delivery of a
-- record (later_delivery_rank after their _loaded_at filter).
with

source as (

    select * from {{ source('raw', 'agency_api') }}

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

    from source

)

select * from renamed
