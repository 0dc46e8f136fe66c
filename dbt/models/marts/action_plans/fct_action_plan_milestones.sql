-- Action-plan milestones (seed) with their initiative, and whether each was done on time.
with

milestones as (

    select * from {{ ref('action_plan_milestones') }}

),

plans as (

    select * from {{ ref('action_plans') }}

),

final as (

    select
        cast(milestones.initiative_id as {{ dbt.type_string() }}) as initiative_id,
        cast(plans.agency_code as {{ dbt.type_string() }}) as agency_code,
        cast(plans.service_id as {{ dbt.type_string() }}) as service_id,
        cast(milestones.milestone as {{ dbt.type_string() }}) as milestone,
        cast(row_number() over (
            partition by milestones.initiative_id
            order by milestones.due_date, milestones.milestone
        ) as integer) as milestone_order,
        cast(milestones.due_date as date) as due_date,
        cast(milestones.completed_date as date) as completed_date,
        cast(milestones.status as {{ dbt.type_string() }}) as status,
        milestones.status = 'completed' as is_done,
        -- NULL while not done: lateness of open milestones depends on the day you look
        case
            when milestones.completed_date is not null
                then milestones.completed_date <= milestones.due_date
        end as is_done_on_time,
        cast({{ fiscal_year_of_date('milestones.due_date') }} as integer)
            as due_fiscal_year,
        cast({{ fiscal_quarter_of_date('milestones.due_date') }} as integer)
            as due_fiscal_quarter
    from milestones
    inner join plans
        on milestones.initiative_id = plans.initiative_id

)

select * from final
