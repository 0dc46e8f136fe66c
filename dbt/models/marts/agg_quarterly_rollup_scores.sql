-- Pooled quarterly scores over several services, the quarter-at-a-glance headlines:
-- each agency's services together and all services together, per fiscal quarter x
-- channel (and channel `all`) x driver. Answers are pooled (counts summed, not scores
-- averaged) and the change since the previous fiscal quarter is tested with the same
-- pooled two-proportion z-test as a single service's. Read from the service cells, so a
-- rebuild reads thousands of rows.
with

service_cells as (

    select * from {{ ref('agg_quarterly_service_scores') }}

),

-- each service cell once in its agency's roll-up and once in the all-services one
memberships as (

    select
        'agency' as rollup_level,
        coalesce(agency_code, 'unknown') as rollup_id,
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        n,
        n_positive
    from service_cells
    union all
    select
        'all_services' as rollup_level,
        'all' as rollup_id,
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        n,
        n_positive
    from service_cells

),

pooled as (

    select
        rollup_level,
        rollup_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        count(distinct service_id) as n_services,
        sum(n) as n,
        sum(n_positive) as n_positive
    from memberships
    group by rollup_level, rollup_id, fiscal_year, fiscal_quarter, channel, driver

),

scored as (

    select
        *,
        round(100.0 * n_positive / n, 4) as score,
        n < {{ var('min_reportable_n') }} as is_suppressed
    from pooled

)

select
    current_quarter.rollup_level,
    current_quarter.rollup_id,
    cast(current_quarter.fiscal_year as integer) as fiscal_year,
    cast(current_quarter.fiscal_quarter as integer) as fiscal_quarter,
    current_quarter.channel,
    current_quarter.driver,
    cast(current_quarter.n_services as integer) as n_services,
    cast(current_quarter.n as bigint) as n,
    cast(current_quarter.n_positive as bigint) as n_positive,
    cast(current_quarter.score as double) as score,
    current_quarter.is_suppressed,
    cast(previous_quarter.n as bigint) as prev_n,
    cast(previous_quarter.score as double) as prev_score,
    coalesce(previous_quarter.is_suppressed, true) as prev_is_suppressed,
    {{ change_since_previous_quarter('current_quarter', 'previous_quarter') }}
from scored as current_quarter
left join scored as previous_quarter
    on
        current_quarter.rollup_level = previous_quarter.rollup_level
        and current_quarter.rollup_id = previous_quarter.rollup_id
        and current_quarter.channel = previous_quarter.channel
        and current_quarter.driver = previous_quarter.driver
        and {{ is_previous_fiscal_quarter('current_quarter', 'previous_quarter') }}
