-- The journeys and their ordered stages (seed), with the last stage flagged: completing
-- it completes the journey.
with

stages as (

    select * from {{ ref('journey_stages') }}

),

final as (

    select
        cast(journey_id as {{ dbt.type_string() }}) as journey_id,
        cast(journey_name as {{ dbt.type_string() }}) as journey_name,
        cast(stage_key as {{ dbt.type_string() }}) as stage_key,
        cast(stage_label as {{ dbt.type_string() }}) as stage_label,
        cast(stage_order as integer) as stage_order,
        stage_order = max(stage_order) over (partition by journey_id) as is_last_stage
    from stages

)

select * from final
