-- Shown in Dagster as a check on fct_response.
{{ config(meta={'dagster': {'ref': {'name': 'fct_response'}}}) }}

-- Reconciliation with raw: every response record in raw (touchpoints, agency_api,
-- contact_center; the loaders keep one row per record, the latest delivery) has exactly
-- one row in fct_response under md5(_source || ':' || record id), and fct_response has
-- no row without a raw record. Fails with one row per missing, orphan or repeated
-- response_key, or with one summary row when the totals differ.
--
-- Scope (the rule of macros/recent_rows.sql): after a full build, every row; after an
-- incremental build, the records loaded since the batch started (raw rows and fact rows
-- with _loaded_at after it), the earlier rows of every record the batch replaced (none
-- may be left), and the total row counts of raw and the fact (a count, not a scan of
-- the keys). Earlier records were reconciled when they were loaded and are not touched
-- by an increment. `--vars '{full_tests: true}'` checks every row again.
{%- set in_batch = recent_rows_filter('fct_response') %}
with

raw_keys as (

    select distinct md5(_source || ':' || form_id || ':' || submission_id) as response_key
    from {{ source('raw', 'touchpoints') }}
    where {{ in_batch }}
    union all
    select distinct md5(_source || ':' || response_id) as response_key
    from {{ source('raw', 'agency_api') }}
    where {{ in_batch }}
    union all
    select distinct md5(_source || ':' || call_id) as response_key
    from {{ source('raw', 'contact_center') }}
    where {{ in_batch }}

),

fact_keys as (

    select
        response_key,
        count(*) as n_rows
    from {{ ref('fct_response') }}
    where {{ in_batch }}
    group by response_key

),

key_differences as (

    select
        coalesce(raw_keys.response_key, fact_keys.response_key) as response_key,
        raw_keys.response_key is not null as in_raw,
        coalesce(fact_keys.n_rows, 0) as n_fact_rows
    from raw_keys
    full outer join fact_keys on raw_keys.response_key = fact_keys.response_key
    where raw_keys.response_key is null or fact_keys.n_rows is null or fact_keys.n_rows != 1

),

-- An earlier version of a record the batch replaced must be gone (delete+insert).
stale_versions as (

    {%- if builds_incrementally() %}

        select
            fact.response_key,
            true as in_raw,
            count(*) as n_fact_rows
        from {{ ref('fct_response') }} as fact
        inner join {{ replaced_responses_relation() }} as replaced
            on fact.response_key = replaced.response_key
        where
            replaced.replaced_at > {{ incremental_batch_since('fct_response') }}
            and fact._loaded_at < replaced.replaced_at
        group by fact.response_key

    {%- else %}

        select
            fact.response_key,
            true as in_raw,
            count(*) as n_fact_rows
        from {{ ref('fct_response') }} as fact
        -- a full rebuild every build (Spark) keeps no earlier version
        where false
        group by fact.response_key

    {%- endif %}

),

totals as (

    select
        (select count(*) from {{ source('raw', 'touchpoints') }})
        + (select count(*) from {{ source('raw', 'agency_api') }})
        + (select count(*) from {{ source('raw', 'contact_center') }}) as n_raw,
        (select count(*) from {{ ref('fct_response') }}) as n_fact

)

select
    response_key,
    in_raw,
    n_fact_rows
from key_differences
union all
select
    response_key,
    in_raw,
    n_fact_rows
from stale_versions
union all
select
    'total: ' || n_raw || ' raw records' as response_key,
    true as in_raw,
    n_fact as n_fact_rows
from totals
where n_raw != n_fact
