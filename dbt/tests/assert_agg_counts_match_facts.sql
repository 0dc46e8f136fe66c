-- Shown in Dagster as a check on agg_quarterly_service_scores.
{{ config(meta={'dagster': {'ref': {'name': 'agg_quarterly_service_scores'}}}) }}

-- The quarterly aggregates add up to the facts: per service x quarter x driver, the
-- `all` row's n and n_positive equal the fact counts, and so do the sums over the
-- channel rows; agg_answer_distribution's counts per answer value likewise;
-- agg_response_rates' `all` responses equal fct_response's count. Suspect responses
-- (screening) are in the facts and in none of the aggregates.
with

answer_facts as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        driver,
        scale,
        answer_value,
        count(*) as n,
        sum(case when is_positive then 1 else 0 end) as n_positive
    from {{ ref('fct_transaction_feedback') }}
    where
        response_key not in (
            select suspects.response_key
            from {{ ref('fct_response') }} as suspects
            where suspects.is_suspect
        )
    group by service_id, fiscal_year, fiscal_quarter, driver, scale, answer_value

),

facts as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        driver,
        sum(n) as n,
        sum(n_positive) as n_positive
    from answer_facts
    group by service_id, fiscal_year, fiscal_quarter, driver

),

aggregated as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        driver,
        sum(case when channel = 'all' then n else 0 end) as n_all,
        sum(case when channel = 'all' then n_positive else 0 end) as n_positive_all,
        sum(case when channel != 'all' then n else 0 end) as n_channels,
        sum(case when channel != 'all' then n_positive else 0 end) as n_positive_channels
    from {{ ref('agg_quarterly_service_scores') }}
    group by service_id, fiscal_year, fiscal_quarter, driver

),

score_mismatches as (

    select
        'agg_quarterly_service_scores' as model,
        coalesce(facts.service_id, aggregated.service_id) as service_id,
        coalesce(facts.fiscal_year, aggregated.fiscal_year) as fiscal_year,
        coalesce(facts.fiscal_quarter, aggregated.fiscal_quarter) as fiscal_quarter
    from facts
    full outer join aggregated
        on
            facts.service_id = aggregated.service_id
            and facts.fiscal_year = aggregated.fiscal_year
            and facts.fiscal_quarter = aggregated.fiscal_quarter
            and facts.driver = aggregated.driver
    where
        facts.n is null or aggregated.n_all is null
        or facts.n != aggregated.n_all or facts.n != aggregated.n_channels
        or facts.n_positive != aggregated.n_positive_all
        or facts.n_positive != aggregated.n_positive_channels

),

distribution as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        driver,
        scale,
        answer_value,
        sum(case when channel = 'all' then n_answers else 0 end) as n_all,
        sum(case when channel != 'all' then n_answers else 0 end) as n_channels
    from {{ ref('agg_answer_distribution') }}
    group by service_id, fiscal_year, fiscal_quarter, driver, scale, answer_value

),

distribution_mismatches as (

    select
        'agg_answer_distribution' as model,
        coalesce(answer_facts.service_id, distribution.service_id) as service_id,
        coalesce(answer_facts.fiscal_year, distribution.fiscal_year) as fiscal_year,
        coalesce(answer_facts.fiscal_quarter, distribution.fiscal_quarter) as fiscal_quarter
    from answer_facts
    full outer join distribution
        on
            answer_facts.service_id = distribution.service_id
            and answer_facts.fiscal_year = distribution.fiscal_year
            and answer_facts.fiscal_quarter = distribution.fiscal_quarter
            and answer_facts.driver = distribution.driver
            and answer_facts.scale = distribution.scale
            and answer_facts.answer_value = distribution.answer_value
    where
        answer_facts.n is null or distribution.n_all is null
        or answer_facts.n != distribution.n_all or answer_facts.n != distribution.n_channels

),

n_responses as (

    select count(*) as n
    from {{ ref('fct_response') }}
    where not is_suspect

),

n_rate_responses as (

    select coalesce(sum(n_responses), 0) as n
    from {{ ref('agg_response_rates') }}
    where channel = 'all'

),

rate_mismatches as (

    select
        'agg_response_rates' as model,
        cast(null as {{ dbt.type_string() }}) as service_id,
        cast(null as integer) as fiscal_year,
        cast(null as integer) as fiscal_quarter
    from n_responses
    cross join n_rate_responses
    where n_responses.n != n_rate_responses.n

)

select * from score_mismatches
union all
select * from distribution_mismatches
union all
select * from rate_mismatches
