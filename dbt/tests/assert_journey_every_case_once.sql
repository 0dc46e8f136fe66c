-- Shown in Dagster as a check on fct_journey.
{{ config(meta={'dagster': {'ref': {'name': 'fct_journey'}}}) }}

-- Every case in raw.case_events appears exactly once in fct_journey (a case whose
-- events all name unknown stages would vanish in the stage pivot: that fails here).
with

raw_cases as (

    select distinct trim(case_id) as case_id
    from {{ source('raw', 'case_events') }}
    where case_id is not null

),

journeys as (

    select
        case_id,
        count(*) as n_rows
    from {{ ref('fct_journey') }}
    group by case_id

)

select
    raw_cases.case_id,
    coalesce(journeys.n_rows, 0) as n_rows
from raw_cases
left join journeys
    on raw_cases.case_id = journeys.case_id
where coalesce(journeys.n_rows, 0) <> 1
