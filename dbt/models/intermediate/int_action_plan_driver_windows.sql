-- Per action-plan initiative: answers to its target driver (service level, all
-- channels, from agg_quarterly_service_scores) in the two fiscal quarters before the
-- quarter of its start date ("before") and from that quarter on ("since"), and how many
-- of those quarterly cells are suppressed: a window sums cells the dashboard shows one
-- by one, so a window with a hidden member would give that member away (by
-- subtraction) unless it is withheld too (agg_action_plan_progress).
with

plans as (

    select
        *,
        {{ fiscal_quarter_index(
            fiscal_year_of_date('start_date'),
            fiscal_quarter_of_date('start_date')) }} as start_quarter_index
    from {{ ref('action_plans') }}

),

scores as (

    select
        service_id,
        driver,
        {{ fiscal_quarter_index('fiscal_year', 'fiscal_quarter') }} as quarter_index,
        n,
        n_positive,
        is_suppressed
    from {{ ref('agg_quarterly_service_scores') }}
    where channel = 'all'

),

windows as (

    select
        plans.initiative_id,
        {%- set start = 'plans.start_quarter_index' %}
        {%- set before = 'between ' ~ start ~ ' - 2 and ' ~ start ~ ' - 1' %}
        {%- set since = '>= ' ~ start %}
        coalesce(sum(case when scores.quarter_index {{ before }} then scores.n end), 0)
            as n_before,
        coalesce(sum(case when scores.quarter_index {{ before }} then scores.n_positive end), 0)
            as n_positive_before,
        coalesce(sum(case when scores.quarter_index {{ since }} then scores.n end), 0)
            as n_since,
        coalesce(sum(case when scores.quarter_index {{ since }} then scores.n_positive end), 0)
            as n_positive_since,
        count(
            case when scores.quarter_index {{ before }} and scores.is_suppressed then 1 end
        ) as n_hidden_before,
        count(
            case when scores.quarter_index {{ since }} and scores.is_suppressed then 1 end
        ) as n_hidden_since
    from plans
    left join scores
        on plans.service_id = scores.service_id and plans.target_driver = scores.driver
    group by plans.initiative_id

)

select * from windows
