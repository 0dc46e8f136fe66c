-- Which drivers move trust, per service x fiscal quarter x channel (and channel `all`):
-- over the responses that answered both the driver and trust, the trust-positive share
-- after a positive answer and after a non-positive one, their difference with a 95 %
-- Wald interval, and the phi correlation of the two positives (the 2x2 table's counts
-- are kept beside them). Each share is a score over its own group, so a row is
-- suppressed (`primary`) when the pairs, the driver-positive or the driver-non-positive
-- group have fewer than min_reportable_n responses: only n_paired is published. The
-- `all` row is the sum of the channel rows, so a service x quarter x driver with one
-- hidden row among them (or hidden rows whose trust answers could only be all positive
-- or all negative) also hides its shown channel row with the fewest pairs
-- (`complementary`; docs/suppression.md). The tables are read from int_key_driver_pairs
-- (kept by addition), less the suspect responses' pairs: a rebuild reads thousands of
-- rows and the suspects' answers, not every answer joined to every response.
{%- set passes = 3 %}

with

-- the answers of suspect responses (screening): their pairs are in no table
suspect_answers as (

    select
        answers.response_key,
        answers.service_id,
        answers.fiscal_year,
        answers.fiscal_quarter,
        answers.channel,
        answers.driver,
        answers.is_positive
    from {{ ref('fct_transaction_feedback') }} as answers
    where answers.response_key in (
        select responses.response_key from {{ ref('fct_response') }} as responses
        where responses.is_suspect
    )

),

suspect_pairs as (

    {{ key_driver_pair_counts('suspect_answers') }}

),

-- every pair (int_key_driver_pairs keeps the counts by addition) minus the suspects'
cells as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        n,
        n1,
        n0,
        t1,
        t0,
        tp
    from {{ ref('int_key_driver_pairs') }}
    union all
    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        -n as n,
        -n1 as n1,
        -n0 as n0,
        -t1 as t1,
        -t0 as t0,
        -tp as tp
    from suspect_pairs

),

tables_2x2 as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        coalesce(channel, 'all') as channel,
        driver,
        cast(sum(n) as bigint) as n,
        cast(sum(n1) as bigint) as n1,
        cast(sum(n0) as bigint) as n0,
        cast(sum(t1) as bigint) as t1,
        cast(sum(t0) as bigint) as t0,
        cast(sum(tp) as bigint) as tp
    from cells
    group by service_id, fiscal_year, fiscal_quarter, driver, rollup(channel)
    having sum(n) > 0

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
        least(n, n1, n0) < {{ var('min_reportable_n') }} as is_primary
    from shares

),

pass_0 as (

    select
        *,
        is_primary as is_suppressed
    from measured

),

{%- for i in range(1, passes + 1) %}

    -- pass {{ i }}: a service x quarter x driver whose hidden rows the `all` row and the
    -- shown channel rows give away hides its shown channel row with the fewest pairs
    totals_{{ i }} as (

        select
            service_id,
            fiscal_year,
            fiscal_quarter,
            driver,
            bool_or(channel = 'all' and not is_suppressed) as all_shown,
            count(case when channel != 'all' and is_suppressed then 1 end) as n_hidden,
            sum(case when channel = 'all' then n1 when not is_suppressed then -n1 else 0 end)
                as hidden_n1,
            sum(case when channel = 'all' then t1 when not is_suppressed then -t1 else 0 end)
                as hidden_t1,
            sum(case when channel = 'all' then n0 when not is_suppressed then -n0 else 0 end)
                as hidden_n0,
            sum(case when channel = 'all' then t0 when not is_suppressed then -t0 else 0 end)
                as hidden_t0
        from pass_{{ i - 1 }}
        group by service_id, fiscal_year, fiscal_quarter, driver

    ),

    picks_{{ i }} as (

        select
            cells.service_id,
            cells.fiscal_year,
            cells.fiscal_quarter,
            cells.driver,
            cells.channel,
            row_number() over (
                partition by cells.service_id, cells.fiscal_year, cells.fiscal_quarter, cells.driver
                order by cells.n, cells.channel
            ) as rn
        from pass_{{ i - 1 }} as cells
        inner join totals_{{ i }} as totals
            on
                cells.service_id = totals.service_id
                and cells.fiscal_year = totals.fiscal_year
                and cells.fiscal_quarter = totals.fiscal_quarter
                and cells.driver = totals.driver
        where
            cells.channel != 'all'
            and not cells.is_suppressed
            and totals.all_shown
            and totals.n_hidden > 0
            and (
                totals.n_hidden = 1
                or totals.hidden_t1 in (0, totals.hidden_n1)
                or totals.hidden_t0 in (0, totals.hidden_n0)
            )

    ),

    pass_{{ i }} as (

        select
            cells.service_id,
            cells.fiscal_year,
            cells.fiscal_quarter,
            cells.channel,
            cells.driver,
            cells.n,
            cells.n1,
            cells.n0,
            cells.t1,
            cells.t0,
            cells.tp,
            cells.p1,
            cells.p0,
            cells.se,
            cells.phi,
            cells.is_primary,
            cells.is_suppressed or picks.channel is not null as is_suppressed
        from pass_{{ i - 1 }} as cells
        left join picks_{{ i }} as picks
            on
                cells.service_id = picks.service_id
                and cells.fiscal_year = picks.fiscal_year
                and cells.fiscal_quarter = picks.fiscal_quarter
                and cells.driver = picks.driver
                and cells.channel = picks.channel
                and picks.rn = 1

    ),

{%- endfor %}

final as (

    select * from pass_{{ passes }}

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
    is_suppressed,
    cast(case
        when is_primary then 'primary'
        when is_suppressed then 'complementary'
    end as {{ dbt.type_string() }}) as suppression_reason
from final
