-- Which drivers move trust, per service x fiscal quarter x channel (and channel `all`):
-- over the responses that answered both the driver and trust, the trust-positive share
-- after a positive answer and after a non-positive one, their difference with a 95 %
-- Wald interval, and the phi correlation of the two positives (the 2x2 table's counts
-- are kept beside them). Fewer than min_reportable_n paired responses: the counts of
-- the pairs only, like any suppressed cell.
with

trust as (

    select
        response_key,
        trust_is_positive
    from {{ ref('fct_response') }}
    -- suspect responses (screening) are in no score
    where trust_is_positive is not null and not is_suspect

),

pairs as (

    select
        answers.service_id,
        answers.fiscal_year,
        answers.fiscal_quarter,
        answers.channel,
        answers.driver,
        answers.is_positive,
        trust.trust_is_positive
    from {{ ref('fct_transaction_feedback') }} as answers
    inner join trust on answers.response_key = trust.response_key
    where answers.driver != 'trust'

),

tables_2x2 as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        coalesce(channel, 'all') as channel,
        driver,
        count(*) as n,
        sum(case when is_positive then 1 else 0 end) as n1,
        sum(case when not is_positive then 1 else 0 end) as n0,
        sum(case when is_positive and trust_is_positive then 1 else 0 end) as t1,
        sum(case when not is_positive and trust_is_positive then 1 else 0 end) as t0,
        sum(case when trust_is_positive then 1 else 0 end) as tp
    from pairs
    group by service_id, fiscal_year, fiscal_quarter, driver, rollup(channel)

),

shares as (

    select
        *,
        cast(t1 as double) / nullif(n1, 0) as p1,
        cast(t0 as double) / nullif(n0, 0) as p0
    from tables_2x2

),

measured as (

    select
        *,
        sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) as se,
        (cast(t1 as double) * (n0 - t0) - cast(n1 - t1 as double) * t0)
        / nullif(sqrt(cast(n1 as double) * n0 * tp * (n - tp)), 0) as phi,
        n < {{ var('min_reportable_n') }} as is_suppressed
    from shares

)

select
    service_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    channel,
    driver,
    cast(n as bigint) as n_paired,
    cast(case when not is_suppressed then n1 end as bigint) as n_driver_positive,
    cast(case when not is_suppressed then n0 end as bigint) as n_driver_not_positive,
    cast(case when not is_suppressed then round(100 * p1, 4) end as double)
        as trust_share_if_positive,
    cast(case when not is_suppressed then round(100 * p0, 4) end as double)
        as trust_share_if_not_positive,
    cast(case when not is_suppressed then round(100 * (p1 - p0), 4) end as double)
        as difference,
    cast(
        case when not is_suppressed then round(100 * (p1 - p0 - 1.959964 * se), 4) end
        as double
    ) as difference_ci_low,
    cast(
        case when not is_suppressed then round(100 * (p1 - p0 + 1.959964 * se), 4) end
        as double
    ) as difference_ci_high,
    cast(case when not is_suppressed then round(phi, 6) end as double) as phi,
    is_suppressed
from measured
