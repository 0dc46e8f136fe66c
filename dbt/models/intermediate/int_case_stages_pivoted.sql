-- One row per case × stage reached: the stage's events side by side, its order in the
-- journey and its outcome. A stage is "reached" when any event names it.
with

events as (

    select * from {{ ref('stg_case_events__events') }}

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
