-- Every response that can be placed on a journey, with its answer counts: responses
-- that carry a case id (agency API) and anonymous responses that name a stage of the
-- journey their service belongs to (METRICS.md: linked through service_id + stage).
with

responses as (

    select * from {{ ref('fct_response') }}

),

answers as (

    select
        response_key,
        count(*) as n_answers,
        sum(case when is_positive then 1 else 0 end) as n_positive
    from {{ ref('fct_transaction_feedback') }}
    -- only answers that can be placed on a journey: a fraction of all answers
    where case_id is not null or journey_stage_key is not null
    group by response_key

),

services as (

    select
        service_id,
        journey_id
    from {{ ref('services') }}

),

cases as (

    select distinct
        case_id,
        journey_id
    from {{ ref('stg_case_events__events') }}

),

linked as (

    select
        responses.response_key,
        responses.case_id,
        -- a known case decides the journey; otherwise the service's journey does
        coalesce(cases.journey_id, services.journey_id) as journey_id,
        responses.journey_stage_key as stage_key,
        responses.service_id,
        responses.channel,
        responses.touchpoint,
        responses.customer_key,
        responses.submitted_at,
        responses.fiscal_year,
        responses.fiscal_quarter,
        responses.comment_sentiment,
        coalesce(answers.n_answers, 0) as n_answers,
        coalesce(answers.n_positive, 0) as n_positive
    from responses
    left join answers
        on responses.response_key = answers.response_key
    left join services
        on responses.service_id = services.service_id
    left join cases
        on responses.case_id = cases.case_id
    where responses.case_id is not null or responses.journey_stage_key is not null

),

final as (

    select
        linked.*,
        -- a stage that is not one of the journey's stages links to no stage
        journey_stages.stage_order
    from linked
    left join {{ ref('journey_stages') }} as journey_stages
        on
            linked.journey_id = journey_stages.journey_id
            and linked.stage_key = journey_stages.stage_key

)

select * from final
