-- Per action-plan initiative: answers to its target driver (service level, all
-- channels, from agg_quarterly_service_scores) in the two fiscal quarters before the
-- quarter of its start date ("before") and from that quarter on ("since"), and how many
-- of those quarterly cells are suppressed: a window sums cells the dashboard shows one
-- by one, so a window with a hidden member would give that member away (by
-- subtraction) unless it is withheld too (agg_action_plan_progress). Also the trend the
-- driver was on before the start (the slope of its shown quarterly scores over the four
-- quarters before), so a rise already under way is not credited to the plan.
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
        ) as n_hidden_since,
        -- where each window sits in time: its quarters weighted by their answers
        {%- set weighted = 'scores.n * scores.quarter_index' %}
        sum(case when scores.quarter_index {{ before }} then {{ weighted }} end)
        / nullif(sum(case when scores.quarter_index {{ before }} then scores.n end), 0)
            as mean_quarter_before,
        sum(case when scores.quarter_index {{ since }} then {{ weighted }} end)
        / nullif(sum(case when scores.quarter_index {{ since }} then scores.n end), 0)
            as mean_quarter_since,
        -- the trend already under way: the slope of the shown quarterly scores (points
        -- per quarter) over the four quarters before the start, from two of them or more
        {%- set trend = 'between ' ~ start ~ ' - 4 and ' ~ start ~ ' - 1'
            ~ ' and not scores.is_suppressed' %}
        case
            when count(case when scores.quarter_index {{ trend }} then 1 end) >= 2
                then round(regr_slope(
                    case
                        when scores.quarter_index {{ trend }}
                            then 100.0 * scores.n_positive / scores.n
                    end,
                    case when scores.quarter_index {{ trend }} then scores.quarter_index end
                ), 6)  -- rounded: a float sum's last bits depend on the order it is added in
        end as trend_before
    from plans
    left join scores
        on plans.service_id = scores.service_id and plans.target_driver = scores.driver
    group by plans.initiative_id

)

select * from windows
