{{ config(materialized='table', contract={'enforced': true}) }}

-- Each driver's answers, positive answers and score per service x quarter x channel,
-- as published with the OMB export. A suppressed cell (below 10 answers, or
-- complementary: see agg_quarterly_service_scores) shows only n: the positive count
-- would give the suppressed score away.

with scores as (
    select * from {{ ref('agg_quarterly_service_scores') }}
    where channel != 'all'
),

channels as (
    select * from {{ ref('dim_channel') }}
)

select
    scores.service_id,
    cast(scores.fiscal_year as integer) as fiscal_year,
    cast(scores.fiscal_quarter as integer) as fiscal_quarter,
    scores.channel,
    channels.touchpoints_channel,
    scores.driver,
    cast(scores.n as bigint) as answers,
    cast(case when not scores.is_suppressed then scores.n_positive end as bigint)
        as positive_answers,
    cast(case when not scores.is_suppressed then round(scores.score, 2) end as double)
        as score,
    scores.is_suppressed,
    scores.suppression_reason
from scores
left join channels on scores.channel = channels.channel
