-- One row per case × stage reached: when the case entered and left the stage, how,
-- how long it stayed, and what its customer said at that stage. Incremental by case:
-- a build recomputes the cases its batch touched (macros/journey_marts.sql).
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

stages as (
    {{ case_stages_pivoted('journey_events') }}
),

stage_linked as (
    {{ journey_responses('journey_feedback', 'journey_events') }}
),

feedback as (
    {{ case_stage_feedback('stage_linked') }}
),

final as (

    select
        stages.journey_key,
        stages.journey_id,
        stages.case_id,
        stages.customer_key,
        stages.stage_key,
        cast(stages.stage_order as integer) as stage_order,
        stages.entered_at,
        stages.exited_at,
        stages.stage_outcome,
        -- open stages have no dwell time yet (it would grow with the day of the build)
        cast({{ journeys_days_between('stages.entered_at', 'stages.exited_at') }} as double)
            as dwell_days,
        cast({{ fiscal_year('stages.entered_at') }} as integer) as fiscal_year,
        cast({{ fiscal_quarter('stages.entered_at') }} as integer) as fiscal_quarter,
        cast(coalesce(feedback.n_responses, 0) as bigint) as n_responses,
        cast(coalesce(feedback.n_answers, 0) as bigint) as n_answers,
        cast(coalesce(feedback.n_positive, 0) as bigint) as n_positive,
        cast(case
            when feedback.n_answers > 0
                then 100.0 * feedback.n_positive / feedback.n_answers
        end as double) as score,
        cast(feedback.mean_sentiment as double) as mean_sentiment,
        case_loads._loaded_at
    from stages
    inner join case_loads on stages.case_id = case_loads.case_id
    left join feedback
        on
            stages.case_id = feedback.case_id
            and stages.stage_key = feedback.stage_key

)

select * from final
