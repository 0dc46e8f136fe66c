-- Shown in Dagster as a check on fct_relationship.
{{ config(meta={'dagster': {'ref': {'name': 'fct_relationship'}}}) }}

-- fct_relationship holds every identified response exactly once, and no anonymous or
-- suspect one (screening): its interactions add up to fct_response's responses with a
-- customer key that are not suspect.
with

relationship as (

    select coalesce(sum(n_interactions), 0) as n_interactions
    from {{ ref('fct_relationship') }}

),

responses as (

    select count(*) as n_identified
    from {{ ref('fct_response') }}
    where customer_key is not null and not is_suspect

)

select
    relationship.n_interactions,
    responses.n_identified
from relationship
cross join responses
where relationship.n_interactions <> responses.n_identified
