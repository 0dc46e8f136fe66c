-- Pooled quarterly scores over several services, the quarter-at-a-glance headlines:
-- each agency's services together and all services together, per fiscal quarter x
-- channel (and channel `all`) x driver. Answers are pooled (counts summed, not scores
-- averaged) and the change since the previous fiscal quarter is tested with the same
-- pooled two-proportion z-test as a single service's. Pooled and suppressed together
-- with the service cells in int_score_cells_protected (a pooled total must not give a
-- suppressed service cell away), so a rebuild reads thousands of rows.
with

-- the pooled cells, suppression decided with the service cells they add up
pooled as (

    select
        cell_level as rollup_level,
        cell_id as rollup_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        n_services,
        n,
        n_positive,
        is_suppressed,
        suppression_reason
    from {{ ref('int_score_cells_protected') }}
    where cell_level in ('agency', 'all_services')

),

scored as (

    select
        *,
        round(100.0 * n_positive / n, 4) as score
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
    current_quarter.suppression_reason,
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
