-- Why records and answers were quarantined: one row per source × level × reason.
with

quarantine as (

    select * from {{ ref('stg_raw__quarantine') }}

),

final as (

    select
        -- `source` and `level` are the contract's column names
        cast(source as {{ dbt.type_string() }}) as source,  -- noqa: RF04
        cast(level as {{ dbt.type_string() }}) as level,  -- noqa: RF04
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(count(*) as bigint) as n_rows,
        cast(count(distinct source_file) as bigint) as n_files,
        max(loaded_at) as last_loaded_at
    from quarantine
    group by source, level, reason

)

select * from final
