-- Per action-plan initiative: answers to its target driver (service level, all
-- channels, from agg_quarterly_service_scores) in the two fiscal quarters before the
-- quarter of its start date ("before") and from that quarter on ("since").
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
        n_positive
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
            as n_positive_since
    from plans
    left join scores
        on plans.service_id = scores.service_id and plans.target_driver = scores.driver
    group by plans.initiative_id

)

select * from windows
