-- Shown in Dagster as a check on fct_journey_stage.
{{ config(meta={'dagster': {'ref': {'name': 'fct_journey_stage'}}}) }}

-- A case has at most as many stage rows as its journey has stages in the seed, and
-- every stage row is a stage of the case's own journey.
with

stage_rows as (

    select
        fct.journey_key,
        fct.journey_id,
        count(*) as n_stage_rows,
        sum(case when seed.stage_key is null then 1 else 0 end) as n_foreign_stages
    from {{ ref('fct_journey_stage') }} as fct
    left join {{ ref('journey_stages') }} as seed
        on fct.journey_id = seed.journey_id and fct.stage_key = seed.stage_key
    group by fct.journey_key, fct.journey_id

),

journey_sizes as (

    select
        journey_id,
        count(*) as n_stages
    from {{ ref('journey_stages') }}
    group by journey_id

)

select stage_rows.*
from stage_rows
left join journey_sizes
    on stage_rows.journey_id = journey_sizes.journey_id
where
    stage_rows.n_stage_rows > coalesce(journey_sizes.n_stages, 0)
    or stage_rows.n_foreign_stages > 0
