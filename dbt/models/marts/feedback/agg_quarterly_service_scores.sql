-- The quarterly A-11 report: per service x fiscal quarter x channel (and channel 'all')
-- x driver, the positive share with its 95 % Wilson interval, the legacy 1-5 mean, the
-- suppression flag and its reason (int_score_cells_protected: primary or
-- complementary), and the change since the previous fiscal quarter with a pooled
-- two-proportion z-test. Scored from the cell counts int_answers_aggregated keeps up to
-- date (one row per cell, not per answer), so a rebuild reads thousands of rows.
with

-- each service's cells per channel and over every channel, suppression decided
cells as (

    select
        cell_id as service_id,
        agency_code,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        n,
        n_positive,
        n_likert,
        likert_sum,
        is_suppressed,
        suppression_reason
    from {{ ref('int_score_cells_protected') }}
    where cell_level = 'service'

),

scored as (

    select
        service_id,
        agency_code,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        cast(n as bigint) as n,
        cast(n_positive as bigint) as n_positive,
        -- rounded for publication (4 decimals of a 0-100 score); tests compare exactly
        round(100.0 * n_positive / n, 4) as score,
        round(case when n_likert > 0 then cast(likert_sum as double) / n_likert end, 4)
            as mean_likert,
        round(100.0 * {{ wilson_low('n_positive', 'n') }}, 4) as ci_low,
        round(100.0 * {{ wilson_high('n_positive', 'n') }}, 4) as ci_high,
        is_suppressed,
        suppression_reason
    from cells

)

select
    current_quarter.service_id,
    current_quarter.agency_code,
    cast(current_quarter.fiscal_year as integer) as fiscal_year,
    cast(current_quarter.fiscal_quarter as integer) as fiscal_quarter,
    current_quarter.channel,
    current_quarter.driver,
    current_quarter.n,
    current_quarter.n_positive,
    cast(current_quarter.score as double) as score,
    cast(current_quarter.mean_likert as double) as mean_likert,
    cast(current_quarter.ci_low as double) as ci_low,
    cast(current_quarter.ci_high as double) as ci_high,
    current_quarter.is_suppressed,
    current_quarter.suppression_reason,
    previous_quarter.n as prev_n,
    cast(previous_quarter.score as double) as prev_score,
    coalesce(previous_quarter.is_suppressed, true) as prev_is_suppressed,
    {{ change_since_previous_quarter('current_quarter', 'previous_quarter') }}
from scored as current_quarter
-- the calendar predecessor, not the last quarter with answers: no answers, no change
left join scored as previous_quarter
    on
        current_quarter.service_id = previous_quarter.service_id
        and current_quarter.channel = previous_quarter.channel
        and current_quarter.driver = previous_quarter.driver
        and {{ is_previous_fiscal_quarter('current_quarter', 'previous_quarter') }}
