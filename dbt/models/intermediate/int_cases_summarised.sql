-- One row per case: when it started, how far it got, and whether and where it ended
-- (completion of the journey's last stage, or the first abandon event).
with

stages as (

    select * from {{ ref('int_case_stages_pivoted') }}

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
