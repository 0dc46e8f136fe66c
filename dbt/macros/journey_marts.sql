{#-
    The journey marts' logic, once: the intermediate views call these macros on the
    whole of their inputs (and their unit tests pin them), and fct_journey /
    fct_journey_stage call them on the cases a batch touched only (incremental by case).
    Each takes the relations (or CTE names) it reads and renders one SELECT.
-#}

{#- One row per case × stage reached: the stage's events side by side, its order in the
    journey and its outcome. A stage is "reached" when any event names it. -#}
{% macro case_stages_pivoted(events) -%}
with

events as (

    select * from {{ events }}

),

journey_stages as (

    select
        journey_id,
        stage_key,
        stage_order,
        max(stage_order) over (partition by journey_id) as last_stage_order
    from {{ ref('journey_stages') }}

),

pivoted as (

    select
        case_id,
        journey_id,
        stage_key,
        min(case when event = 'entered' then event_at end) as entered_event_at,
        min(case when event = 'completed' then event_at end) as completed_at,
        min(case when event = 'abandoned' then event_at end) as abandoned_at,
        -- a stage completed or abandoned without an `entered` event was still reached
        min(event_at) as first_event_at
    from events
    group by case_id, journey_id, stage_key

),

case_customers as (

    -- the customer is a property of the case; events may leave it blank
    select
        case_id,
        max(customer_key) as customer_key
    from events
    group by case_id

),

final as (

    select
        {{ dbt.hash("'case_events:' || pivoted.case_id") }} as journey_key,
        pivoted.case_id,
        pivoted.journey_id,
        case_customers.customer_key,
        pivoted.stage_key,
        journey_stages.stage_order,
        journey_stages.stage_order = journey_stages.last_stage_order as is_last_stage,
        coalesce(pivoted.entered_event_at, pivoted.first_event_at) as entered_at,
        pivoted.completed_at,
        pivoted.abandoned_at,
        -- completion wins over a stray abandon event on the same stage
        case
            when pivoted.completed_at is not null then 'completed'
            when pivoted.abandoned_at is not null then 'abandoned'
            else 'open'
        end as stage_outcome,
        coalesce(pivoted.completed_at, pivoted.abandoned_at) as exited_at
    from pivoted
    -- events of an unknown stage are flagged by a test on the staging model
    inner join journey_stages
        on
            pivoted.journey_id = journey_stages.journey_id
            and pivoted.stage_key = journey_stages.stage_key
    left join case_customers
        on pivoted.case_id = case_customers.case_id

)

select * from final
{%- endmacro %}

{#- One row per case: when it started, how far it got, and whether and where it ended
    (completion of the journey's last stage, or the first abandon event). -#}
{% macro cases_summarised(stages) -%}
with

stages as (

    select * from {{ stages }}

),

cases as (

    select
        journey_key,
        case_id,
        journey_id,
        customer_key,
        min(entered_at) as started_at,
        count(*) as n_stages_reached,
        max(stage_order) as furthest_stage_order,
        max(case when is_last_stage then completed_at end) as completed_at,
        min(abandoned_at) as abandoned_at
    from stages
    group by journey_key, case_id, journey_id, customer_key

),

abandon_events as (

    select
        case_id,
        stage_key,
        row_number() over (partition by case_id order by abandoned_at, stage_order) as rn
    from stages
    where abandoned_at is not null

),

final as (

    select
        cases.*,
        furthest.stage_key as furthest_stage,
        cases.completed_at is not null as is_completed,
        cases.completed_at is null and cases.abandoned_at is null as is_open,
        -- a completed journey was not dropped, whatever stray abandon event it has
        case when cases.completed_at is null then abandon_events.stage_key end
            as dropped_at_stage,
        coalesce(cases.completed_at, cases.abandoned_at) as ended_at
    from cases
    inner join stages as furthest
        on
            cases.case_id = furthest.case_id
            and cases.furthest_stage_order = furthest.stage_order
    left join abandon_events
        on cases.case_id = abandon_events.case_id and abandon_events.rn = 1

)

select * from final
{%- endmacro %}

{#- Every response that can be placed on a journey, with its answer counts: responses
    that carry a case id (agency API) and anonymous responses that name a stage of the
    journey their service belongs to (METRICS.md: linked through service_id + stage). -#}
{% macro journey_responses(responses, case_events) -%}
with

responses as (

    select * from {{ responses }}

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
    from {{ case_events }}

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
        responses.n_answers,
        responses.n_positive,
        responses._loaded_at
    from responses
    left join services
        on responses.service_id = services.service_id
    left join cases
        on responses.case_id = cases.case_id
    where
        (responses.case_id is not null or responses.journey_stage_key is not null)
        -- suspect responses (screening) are left out; NULL (a unit test's row) is not
        and not coalesce(responses.is_suspect, false)

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
{%- endmacro %}

{#- Feedback linked to one stage of one case (by case_id + stage): the answers a
    journey map shows on that stage, and the comment sentiment (the "feelings" line). -#}
{% macro case_stage_feedback(journey_responses) -%}
with

responses as (

    select * from {{ journey_responses }}
    where case_id is not null and stage_order is not null

),

aggregated as (

    select
        case_id,
        stage_key,
        count(*) as n_responses,
        sum(n_answers) as n_answers,
        sum(n_positive) as n_positive,
        -- responses without a comment have no sentiment and do not count here
        avg(comment_sentiment) as mean_sentiment
    from responses
    group by case_id, stage_key

)

select * from aggregated
{%- endmacro %}

{#-
    The inputs of the journey marts, as CTEs `journey_events` and `journey_feedback`
    (responses with a case), restricted on an incremental build to the cases the
    batch touched: a case with new events, with a new or re-delivered response, or
    that a re-delivered response left (replaced_responses), or with a response whose
    screening flag changed (screening_changes). Those cases are rebuilt
    whole (delete+insert by case_id); `case_loads` holds each case's newest input load
    time, the marts' `_loaded_at` and cursor. Ends with a comma.
-#}
{% macro journey_inputs() -%}
    {%- set since = incremental_since() %}
    {%- set scoped = since is not none and since != 'empty' %}
    {%- if scoped %}
    {%- set after = "cast('" ~ since ~ "' as timestamp with time zone)" %}
touched_cases as (

    select case_id from {{ ref('stg_case_events__events') }} where _loaded_at > {{ after }}
    union
    select case_id from {{ ref('fct_response') }}
    where _loaded_at > {{ after }} and case_id is not null
    union
    select case_id from {{ replaced_responses_relation() }}
    where replaced_at > {{ after }} and case_id is not null
    union
    select case_id from {{ screening_changes_relation() }}
    where changed_at > {{ after }} and case_id is not null

),
    {%- endif %}

journey_events as (

    select * from {{ ref('stg_case_events__events') }}
    {%- if scoped %}
    where case_id in (select case_id from touched_cases)
    {%- endif %}

),

journey_feedback as (

    select * from {{ ref('fct_response') }}
    where case_id is not null
    {%- if scoped %}
        and case_id in (select case_id from touched_cases)
    {%- endif %}

),

case_loads as (

    select case_id, max(_loaded_at) as _loaded_at
    from (
        select case_id, _loaded_at from journey_events
        union all
        select case_id, _loaded_at from journey_feedback
    ) as loads
    group by case_id

),
{%- endmacro %}
