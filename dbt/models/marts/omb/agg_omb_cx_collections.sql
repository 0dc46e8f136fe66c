{{ config(materialized='view', contract={'enforced': true}) }}

-- One row per service x fiscal quarter with feedback: a Touchpoints "CX collection".
-- rating = the service's trust score over all channels (share of positive trust
-- answers, 0-100), NULL when fewer than 10 trust answers (suppressed).

with collected as (
    select distinct
        service_id,
        fiscal_year,
        fiscal_quarter
    from {{ ref('fct_omb_survey_responses') }}
),

services as (
    select * from {{ ref('dim_service') }}
),

trust as (
    select * from {{ ref('agg_quarterly_service_scores') }}
    where channel = 'all' and driver = 'trust'
)

select
    services.provider as service_provider,
    collected.service_id,
    services.service_name,
    collected.fiscal_year,
    -- Touchpoints calls the fiscal quarter `quarter`.
    collected.fiscal_quarter as quarter,  -- noqa: RF04
    cast(case when not trust.is_suppressed then round(trust.score, 2) end as double)
        as rating,
    cast(coalesce(trust.n, 0) as bigint) as rating_n
from collected
left join services on collected.service_id = services.service_id
left join trust
    on
        collected.service_id = trust.service_id
        and collected.fiscal_year = trust.fiscal_year
        and collected.fiscal_quarter = trust.fiscal_quarter
