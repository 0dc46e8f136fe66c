-- Shown in Dagster as a check on fct_response.
{{ config(meta={'dagster': {'ref': {'name': 'fct_response'}}}) }}

-- The flags fct_response keeps (set by its post-hook) are those a fresh screening gives
-- now: the incremental screening missed nothing and left nothing stale. Scope (as the
-- other reconciliations, macros/recent_rows.sql): after an increment, the customers and
-- page-quarters the batch touched, each screened whole; with `--vars '{full_tests:
-- true}'`, every response. After a full build there is nothing to check: the post-hook
-- has just screened every response with this same macro (at 10M that second screening
-- cost 40 s).
with

scope as (

    select * from ({{ screening_scope(ref('fct_response')) }}) as scoped
    -- a full rebuild every build (Spark): screened by this macro in fct_response's select
    where {{ 'true' if var('full_tests', false) else (
        screening_batch_since() ~ ' is not null' if builds_incrementally() else 'false') }}

),

screened as (

    {{ screening_flags('scope') }}

),

kept as (

    select
        scope.response_key,
        scope.suspect_rule,
        scope.suspect_reason
    from scope
    where scope.is_suspect

)

select
    coalesce(kept.response_key, screened.response_key) as response_key,
    kept.suspect_rule as kept_rule,
    screened.suspect_rule as screened_rule,
    kept.suspect_reason as kept_reason,
    screened.suspect_reason as screened_reason
from kept
full outer join screened
    on kept.response_key = screened.response_key
where
    kept.suspect_rule is distinct from screened.suspect_rule
    or kept.suspect_reason is distinct from screened.suspect_reason
