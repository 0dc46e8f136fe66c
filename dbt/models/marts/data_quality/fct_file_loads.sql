-- One row per landing file per load attempt (the loaders' log), for the data-quality
-- page: what arrived, when, and how much of it loaded or was quarantined.
with

loads as (

    select * from {{ ref('stg_raw__load_log') }}

),

final as (

    select
        cast(load_id as {{ dbt.type_string() }}) as load_id,
        cast(source as {{ dbt.type_string() }}) as source,  -- noqa: RF04
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(file_sha256 as {{ dbt.type_string() }}) as file_sha256,
        cast(file_bytes as bigint) as file_bytes,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(message as {{ dbt.type_string() }}) as message,
        cast(rows_read as bigint) as rows_read,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(answers_quarantined as bigint) as answers_quarantined,
        cast(rows_replaced as bigint) as rows_replaced,
        delivered_at,
        started_at,
        finished_at,
        {{ journeys_days_between('started_at', 'finished_at') }} * 86400.0 as load_seconds
    from loads

)

select * from final
