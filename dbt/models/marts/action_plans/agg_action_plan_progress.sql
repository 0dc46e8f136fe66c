-- Each CX action-plan initiative with its milestones and its target driver's score
-- (service level, all channels) before and since it started. "Before" is the two
-- fiscal quarters before the quarter of the start date; "since" is that quarter and
-- every later one, so the quarterly scores the dashboard shows add up to these. A window
-- is suppressed when it has fewer than min_reportable_n answers (`primary`), or when
-- one of its quarterly cells is suppressed (`complementary`: the window less the shown
-- quarters would give that cell away); the page then shows neither its score nor the
-- change. A window
-- is suppressed when it has fewer than min_reportable_n answers (`primary`), or when
-- one of its quarterly cells is suppressed (`complementary`: the window less the shown
-- quarters would give that cell away); its change and significance then are not shown.
with

plans as (

    select * from {{ ref('action_plans') }}

),

windows as (

    select * from {{ ref('int_action_plan_driver_windows') }}

),

milestones as (

    select
        initiative_id,
        count(*) as milestones_total,
        sum(case when status = 'completed' then 1 else 0 end) as milestones_done
    from {{ ref('action_plan_milestones') }}
    group by initiative_id

),

next_milestones as (

    select
        initiative_id,
        milestone,
        due_date,
        row_number() over (partition by initiative_id order by due_date, milestone) as rn
    from {{ ref('action_plan_milestones') }}
    where status <> 'completed'

),

final as (

    select
        cast(plans.initiative_id as {{ dbt.type_string() }}) as initiative_id,
        cast(plans.agency_code as {{ dbt.type_string() }}) as agency_code,
        cast(plans.service_id as {{ dbt.type_string() }}) as service_id,
        cast(plans.title as {{ dbt.type_string() }}) as title,
        cast(plans.target_driver as {{ dbt.type_string() }}) as target_driver,
        cast(plans.owner as {{ dbt.type_string() }}) as owner,  -- noqa: RF04
        cast(plans.start_date as date) as start_date,
        cast(plans.status as {{ dbt.type_string() }}) as status,
        cast(plans.plan_part as {{ dbt.type_string() }}) as plan_part,
        cast(coalesce(milestones.milestones_total, 0) as integer) as milestones_total,
        cast(coalesce(milestones.milestones_done, 0) as integer) as milestones_done,
        cast(next_milestones.milestone as {{ dbt.type_string() }}) as next_milestone,
        cast(next_milestones.due_date as date) as next_milestone_due,
        cast(windows.n_before as bigint) as n_before,
        cast(windows.n_positive_before as bigint) as n_positive_before,
        cast(case
            when windows.n_before > 0
                then 100.0 * windows.n_positive_before / windows.n_before
        end as double) as score_before,
        cast(windows.n_since as bigint) as n_since,
        cast(windows.n_positive_since as bigint) as n_positive_since,
        cast(case
            when windows.n_since > 0
                then 100.0 * windows.n_positive_since / windows.n_since
        end as double) as score_since,
        case
            when windows.n_before < {{ var('min_reportable_n') }} then 'primary'
            when coalesce(windows.n_hidden_before, 0) > 0 then 'complementary'
        end as before_suppression_reason,
        case
            when windows.n_since < {{ var('min_reportable_n') }} then 'primary'
            when coalesce(windows.n_hidden_since, 0) > 0 then 'complementary'
        end as since_suppression_reason,
        cast(windows.trend_before as double) as trend_before,
        windows.mean_quarter_before,
        windows.mean_quarter_since
    from plans
    inner join windows on plans.initiative_id = windows.initiative_id
    left join milestones on plans.initiative_id = milestones.initiative_id
    left join next_milestones
        on plans.initiative_id = next_milestones.initiative_id and next_milestones.rn = 1

),

tested as (

    select
        final.*,
        final.before_suppression_reason is not null as is_before_suppressed,
        final.since_suppression_reason is not null as is_since_suppressed,
        cast(final.score_since - final.score_before as double) as score_change,
        -- what the trend before would have given by the since window on its own
        cast(
            final.trend_before * (final.mean_quarter_since - final.mean_quarter_before)
            as double
        ) as expected_change,
        cast({{ two_proportion_p_value(
            'n_positive_since', 'n_since', 'n_positive_before', 'n_before') }} as double)
            as p_value
    from final

)

select
    tested.*,
    coalesce(tested.p_value < {{ var('significance_alpha') }}, false) as is_change_significant,
    cast(tested.score_change - tested.expected_change as double) as change_beyond_trend
from tested
