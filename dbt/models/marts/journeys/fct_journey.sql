-- One row per case (journey instance): how far it got, whether it completed, was
-- abandoned or is still open, how long it took, and how its customer rated it.
-- Incremental by case: a build recomputes the cases its batch touched
-- (macros/journey_marts.sql).
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key='case_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
with

{{ journey_inputs() }}

case_stages as (
    {{ case_stages_pivoted('journey_events') }}
),

cases as (
    {{ cases_summarised('case_stages') }}
),

linked_responses as (
    {{ journey_responses('journey_feedback', 'journey_events') }}
),

stage_feedback as (
    {{ case_stage_feedback('linked_responses') }}
),

pain_points as (

    -- the stage with the lowest positive share among stages with answers; ties: earliest
    select
        stage_feedback.case_id,
        stage_feedback.stage_key,
        row_number() over (
            partition by stage_feedback.case_id
            order by
                1.0 * stage_feedback.n_positive / stage_feedback.n_answers,
                stage_rows.stage_order
        ) as rn
    from stage_feedback
    inner join case_stages as stage_rows
        on
            stage_feedback.case_id = stage_rows.case_id
            and stage_feedback.stage_key = stage_rows.stage_key
    where stage_feedback.n_answers > 0

),

feedback as (

    -- every response linked by case id, with or without a stage
    select
        case_id,
        count(*) as n_responses,
        count(distinct touchpoint || '/' || channel) as n_touchpoints,
        sum(n_answers) as n_answers,
        sum(n_positive) as n_positive
    from linked_responses
    where case_id is not null
    group by case_id

),

final as (

    select
        cases.journey_key,
        cases.journey_id,
        cases.case_id,
        cases.customer_key,
        cases.started_at,
        cases.ended_at,
        cast({{ fiscal_year('cases.started_at') }} as integer) as fiscal_year,
        cast({{ fiscal_quarter('cases.started_at') }} as integer) as fiscal_quarter,
        cases.furthest_stage,
        cast(cases.furthest_stage_order as integer) as furthest_stage_order,
        cast(cases.n_stages_reached as integer) as n_stages_reached,
        cases.is_completed,
        cases.is_open,
        cases.dropped_at_stage,
        cast({{ journeys_days_between('cases.started_at', 'cases.ended_at') }} as double)
            as duration_days,
        cast(coalesce(feedback.n_touchpoints, 0) as integer) as n_touchpoints,
        cast(coalesce(feedback.n_responses, 0) as bigint) as n_responses,
        cast(coalesce(feedback.n_answers, 0) as bigint) as n_answers,
        cast(coalesce(feedback.n_positive, 0) as bigint) as n_positive,
        cast(case
            when feedback.n_answers > 0 then 100.0 * feedback.n_positive / feedback.n_answers
        end as double) as journey_score,
        pain_points.stage_key as pain_point_stage,
        case_loads._loaded_at
    from cases
    inner join case_loads on cases.case_id = case_loads.case_id
    left join pain_points
        on cases.case_id = pain_points.case_id and pain_points.rn = 1
    left join feedback
        on cases.case_id = feedback.case_id

)

select * from final
