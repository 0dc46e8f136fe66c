-- Private-sector comparison scores per sector × driver × year (seed), to set beside a
-- service's score through dim_service.benchmark_sector.
with

benchmarks as (

    select * from {{ ref('benchmark_scores') }}

),

final as (

    select
        cast(benchmark_sector as {{ dbt.type_string() }}) as benchmark_sector,
        cast(driver as {{ dbt.type_string() }}) as driver,
        cast(score as double) as score,
        cast(source_name as {{ dbt.type_string() }}) as source_name,
        cast(benchmark_year as integer) as benchmark_year
    from benchmarks

)

select * from final
