-- Journey × stage × fiscal quarter: case flows (by quarter of entry) beside stage
-- answers (by quarter of answer, anonymous ones included). Scored in
-- agg_journey_stage_quarterly.
with

flows as (

    select
        journey_id,
        stage_key,
        fiscal_year,
        fiscal_quarter,
        count(*) as n_entered,
        sum(case when stage_outcome = 'completed' then 1 else 0 end) as n_completed,
        sum(case when stage_outcome = 'abandoned' then 1 else 0 end) as n_abandoned,
        sum(case when stage_outcome = 'open' then 1 else 0 end) as n_open,
        {{ journeys_median('dwell_days') }} as median_dwell_days
    from {{ ref('fct_journey_stage') }}
    group by journey_id, stage_key, fiscal_year, fiscal_quarter

),

answers as (

    select
        journey_id,
        stage_key,
        fiscal_year,
        fiscal_quarter,
        sum(n_answers) as n_answers,
        sum(n_positive) as n_positive,
        avg(comment_sentiment) as mean_sentiment
    from {{ ref('int_journey_responses') }}
    where stage_order is not null
    group by journey_id, stage_key, fiscal_year, fiscal_quarter

),

joined as (

    select
        coalesce(flows.journey_id, answers.journey_id) as journey_id,
        coalesce(flows.stage_key, answers.stage_key) as stage_key,
        coalesce(flows.fiscal_year, answers.fiscal_year) as fiscal_year,
        coalesce(flows.fiscal_quarter, answers.fiscal_quarter) as fiscal_quarter,
        coalesce(flows.n_entered, 0) as n_entered,
        coalesce(flows.n_completed, 0) as n_completed,
        coalesce(flows.n_abandoned, 0) as n_abandoned,
        coalesce(flows.n_open, 0) as n_open,
        flows.median_dwell_days,
        coalesce(answers.n_answers, 0) as n_answers,
        coalesce(answers.n_positive, 0) as n_positive,
        answers.mean_sentiment
    from flows
    full outer join answers
        on
            flows.journey_id = answers.journey_id
            and flows.stage_key = answers.stage_key
            and flows.fiscal_year = answers.fiscal_year
            and flows.fiscal_quarter = answers.fiscal_quarter

)

select * from joined
