-- Shown in Dagster as a check on fct_response.
{{ config(meta={'dagster': {'ref': {'name': 'fct_response'}}}) }}

-- Reconciliation with raw: every response record in raw (touchpoints, agency_api,
-- contact_center; a re-delivered record counts once) has exactly one row in
-- fct_response under md5(_source || ':' || record id), and fct_response has no row
-- without a raw record. Fails with one row per missing or orphan response_key.
with

raw_keys as (

    select distinct md5(_source || ':' || form_id || ':' || submission_id) as response_key
    from {{ source('raw', 'touchpoints') }}
    union all
    select distinct md5(_source || ':' || response_id) as response_key
    from {{ source('raw', 'agency_api') }}
    union all
    select distinct md5(_source || ':' || call_id) as response_key
    from {{ source('raw', 'contact_center') }}

),

fact_keys as (

    select
        response_key,
        count(*) as n_rows
    from {{ ref('fct_response') }}
    group by response_key

)

select
    coalesce(raw_keys.response_key, fact_keys.response_key) as response_key,
    raw_keys.response_key is not null as in_raw,
    coalesce(fact_keys.n_rows, 0) as n_fact_rows
from raw_keys
full outer join fact_keys on raw_keys.response_key = fact_keys.response_key
where raw_keys.response_key is null or fact_keys.n_rows is null or fact_keys.n_rows != 1
