-- Complementary suppression reached its fixed point: no published total (a cell's `all`
-- row over its channels, an agency over its services, all services over the agencies)
-- has exactly one suppressed member, whose positive count it would give away. Written
-- from the two published score marts, not from int_score_cells_suppressed's passes.
with

service_cells as (

    select
        'service' as cell_level,
        service_id as cell_id,
        coalesce(agency_code, 'unknown') as agency_key,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        is_suppressed
    from {{ ref('agg_quarterly_service_scores') }}

),

pooled_cells as (

    select
        rollup_level as cell_level,
        rollup_id as cell_id,
        case when rollup_level = 'agency' then rollup_id end as agency_key,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        is_suppressed
    from {{ ref('agg_quarterly_rollup_scores') }}

),

cells as (

    select * from service_cells
    union all
    select * from pooled_cells

),

totals as (

    select
        'channels of ' || cell_level || ' ' || cell_id as total,
        fiscal_year,
        fiscal_quarter,
        driver,
        is_suppressed
    from cells
    union all
    select
        'services of agency ' || agency_key || ', channel ' || channel as total,
        fiscal_year,
        fiscal_quarter,
        driver,
        is_suppressed
    from cells
    where cell_level in ('service', 'agency')
    union all
    select
        'agencies, channel ' || channel as total,
        fiscal_year,
        fiscal_quarter,
        driver,
        is_suppressed
    from cells
    where cell_level in ('agency', 'all_services')

)

select
    total,
    fiscal_year,
    fiscal_quarter,
    driver,
    count(*) as n_members
from totals
group by total, fiscal_year, fiscal_quarter, driver
having sum(case when is_suppressed then 1 else 0 end) = 1
