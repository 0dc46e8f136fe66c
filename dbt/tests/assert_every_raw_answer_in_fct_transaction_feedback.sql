-- Shown in Dagster as a check on fct_transaction_feedback.
{{ config(meta={'dagster': {'ref': {'name': 'fct_transaction_feedback'}}}) }}

-- Reconciliation with raw: every answer held in raw (latest delivery of each record,
-- N/A / blank / skipped excluded) appears in fct_transaction_feedback, per source, and
-- nothing else does. Fails with one row per source whose counts differ.
{%- set latest = "where delivery_rank = 1" %}
with

touchpoints as (

    select * from (
        select
            *,
            {{ later_delivery_rank(['form_id', 'submission_id']) }} as delivery_rank
        from {{ source('raw', 'touchpoints') }}
    ) as ranked
    {{ latest }}

),

touchpoints_answers as (

    select
        sum(
            {%- for driver in legacy_a11_drivers() %}
                case when form_kind = 'a11' and {{ driver }} between 1 and 5 then 1 else 0 end +
            {%- endfor %}
            case
                when form_kind in ('a11_v2', 'a11_v2_radio') and answer_01 is not null then 1 else 0
            end
            {%- for driver in indicator_drivers() %}
                + case
                    when
                        form_kind in ('a11_v2', 'a11_v2_radio')
                        and coalesce({{ list_contains('answer_02', driver) }}, false)
                        != coalesce({{ list_contains('answer_03', driver) }}, false) then 1
                    else 0
                end
            {%- endfor %}
        ) as n_raw
    from touchpoints

),

agency_api as (

    select * from (
        select
            *,
            {{ later_delivery_rank(['response_id']) }} as delivery_rank
        from {{ source('raw', 'agency_api') }}
    ) as ranked
    {{ latest }}

),

agency_api_answers as (

    select count(*) as n_raw
    from agency_api
    {{ lateral_unnest('agency_api.answers', 'elements', 'answer') }}
    -- elements.answer.value is a struct field, not a table reference
    -- noqa: disable=RF01
    where lower(trim(elements.answer.value)) not in {{ na_answer_values() }}
    -- noqa: enable=RF01

),

contact_center_answers as (

    select
        sum(
            {%- for q in ['q1', 'q2', 'q3', 'q4', 'q5'] %}
                case when {{ q }} between 1 and 5 then 1 else 0 end{% if not loop.last %}
                    +
                {% endif %}
            {%- endfor %}
        ) as n_raw
    from (
        select
            *,
            {{ later_delivery_rank(['call_id']) }} as delivery_rank
        from {{ source('raw', 'contact_center') }}
    ) as ranked
    {{ latest }}

),

raw_counts as (

    select
        'touchpoints' as source,
        coalesce(n_raw, 0) as n_raw
    from touchpoints_answers
    union all
    select
        'agency_api' as source,
        n_raw
    from agency_api_answers
    union all
    select
        'contact_center' as source,
        coalesce(n_raw, 0) as n_raw
    from contact_center_answers

),

fact_counts as (

    select
        _source as source,
        count(*) as n_fact
    from {{ ref('fct_transaction_feedback') }}
    group by _source

)

select
    coalesce(raw_counts.source, fact_counts.source) as source,
    raw_counts.n_raw,
    fact_counts.n_fact
from raw_counts
full outer join fact_counts on raw_counts.source = fact_counts.source
where coalesce(raw_counts.n_raw, 0) != coalesce(fact_counts.n_fact, 0)
