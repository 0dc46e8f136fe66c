-- One row per landing file per load attempt (the loaders' own log).
with

source as (

    select * from {{ source('raw', 'load_log') }}

),

renamed as (

    select
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        _source as source,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        cast(file_bytes as bigint) as file_bytes,
        lower(status) as status,
        message,
        cast(rows_read as bigint) as rows_read,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(answers_quarantined as bigint) as answers_quarantined,
        cast(rows_replaced as bigint) as rows_replaced,
        _delivered_at as delivered_at,
        started_at,
        finished_at
    from source

)

select * from renamed
