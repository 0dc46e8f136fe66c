-- Shown in Dagster as a check on agg_journey_stage_quarterly.
{{ config(meta={'dagster': {'ref': {'name': 'agg_journey_stage_quarterly'}}}) }}

-- The journey map counts every case-stage exactly once: its entries and outcomes add
-- up to fct_journey_stage.
with

map_totals as (

    select
        sum(n_entered) as n_entered,
        sum(n_completed) as n_completed,
        sum(n_abandoned) as n_abandoned,
        sum(n_open) as n_open
    from {{ ref('agg_journey_stage_quarterly') }}

),

fact_totals as (

    select
        count(*) as n_entered,
        sum(case when stage_outcome = 'completed' then 1 else 0 end) as n_completed,
        sum(case when stage_outcome = 'abandoned' then 1 else 0 end) as n_abandoned,
        sum(case when stage_outcome = 'open' then 1 else 0 end) as n_open
    from {{ ref('fct_journey_stage') }}

)

select
    map_totals.*,
    fact_totals.n_entered as fact_n_entered
from map_totals
cross join fact_totals
where
    coalesce(map_totals.n_entered, 0) <> fact_totals.n_entered
    or coalesce(map_totals.n_completed, 0) <> coalesce(fact_totals.n_completed, 0)
    or coalesce(map_totals.n_abandoned, 0) <> coalesce(fact_totals.n_abandoned, 0)
    or coalesce(map_totals.n_open, 0) <> coalesce(fact_totals.n_open, 0)
