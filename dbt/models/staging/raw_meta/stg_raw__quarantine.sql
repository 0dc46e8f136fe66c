-- Quarantined records and answers, one row each, with the reason.
with

source as (

    select * from {{ source('raw', 'quarantine') }}

),

renamed as (

    select
        _source as source,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _row_number as row_number,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        lower(level) as level,
        field,
        raw_text,
        reason,
        _loaded_at as loaded_at
    from source

)

select * from renamed
