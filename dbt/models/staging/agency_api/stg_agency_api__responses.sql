-- One row per agency API response in raw (the loader keeps one version per response:
-- a later delivery replaces the earlier one). A plain rename/cast view, so that a
-- filter on _loaded_at reaches the raw scan. The answers stay a list, as delivered
-- (validated, trimmed and lower-cased by the loader).
with

source as (

    select * from {{ source('raw', 'agency_api') }}

),

renamed as (

    select
        -- ids
        md5(_source || ':' || response_id) as response_key,
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        customer_key,
        nullif(trim(case_id), '') as case_id,

        -- context
        lower(trim(channel)) as channel,
        nullif(lower(trim(stage)), '') as stage_key,
        nullif(trim(comment), '') as comment,

        -- answers: list of {driver, scale, value}
        answers,

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
