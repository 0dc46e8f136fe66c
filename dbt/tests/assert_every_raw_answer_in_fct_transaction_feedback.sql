-- Shown in Dagster as a check on fct_transaction_feedback. Runs after fct_response,
-- whose pre-hook records the responses a batch replaced:
-- depends_on: {{ ref('fct_response') }}
{{ config(meta={'dagster': {'ref': {'name': 'fct_transaction_feedback'}}}) }}

-- Reconciliation with raw: every answer held in raw (latest delivery of each record,
-- N/A / blank / skipped excluded) appears in fct_transaction_feedback, per source, and
-- nothing else does. Fails with one row per source whose counts differ.
-- Counted independently of the models: the forms' columns are written out here as
-- SOURCES.md lists them (not taken from the models' macros), and an agency answer
-- counts when the seed answer_encodings reads its value as an answer on its scale.
-- One aggregate scan per raw table: the answers of each raw row, then per record the
-- count of its latest delivery (max_by over (_delivered_at, _source_file, _row_number),
-- the order of later_delivery_rank) - a hash aggregate, no window sort over raw.
--
-- Scope (the rule of macros/recent_rows.sql): after a full build, every row; after an
-- incremental build, the raw rows and the answers loaded since the batch started, and
-- no earlier answer left for a response the batch replaced. Earlier answers were
-- reconciled when they were loaded and an increment does not touch them.
-- `--vars '{full_tests: true}'` counts every row again.
{%- set in_batch = recent_rows_filter('fct_transaction_feedback') %}
{%- set delivery_order = "(_delivered_at, _source_file, _row_number)" %}
{%- set legacy_columns = ['satisfaction', 'trust', 'effectiveness', 'ease', 'efficiency',
    'transparency', 'employee'] %}
{%- set tick_box_drivers = ['effectiveness', 'ease', 'efficiency', 'transparency', 'humanity',
    'employee', 'other'] %}
with

touchpoints_rows as (

    select
        form_id,
        submission_id,
        _delivered_at,
        _source_file,
        _row_number,
        {%- for column in legacy_columns %}
            case when form_kind = 'a11' and {{ column }} between 1 and 5 then 1 else 0 end +
        {%- endfor %}
        case
            when form_kind in ('a11_v2', 'a11_v2_radio') and answer_01 is not null then 1 else 0
        end
        {%- for driver in tick_box_drivers %}
            {%- set ticked = "(',' || replace(lower(coalesce(%s, '')), ' ', '') || ',' like '%%,"
                ~ driver ~ ",%%')" %}
            + case
                when
                    form_kind in ('a11_v2', 'a11_v2_radio')
                    and {{ ticked | format('answer_02') }} != {{ ticked | format('answer_03') }}
                    then 1
                else 0
            end
        {%- endfor %} as n_answers
    from {{ source('raw', 'touchpoints') }}
    where {{ in_batch }}

),

touchpoints_answers as (

    select sum(n_answers) as n_raw
    from (
        select max_by(n_answers, {{ delivery_order }}) as n_answers
        from touchpoints_rows
        group by form_id, submission_id
    ) as latest

),

answer_values as (

    select {{ list_agg("scale || ':' || raw_value") }} as answers_on_scale
    from {{ ref('answer_encodings') }}
    where answer_value is not null

),

agency_api_rows as (

    -- Counted in place per raw row: unnesting every answer and grouping them back ran
    -- out of DuckDB's 4 GB at 10M responses.
    select
        api.response_id,
        api._delivered_at,
        api._source_file,
        api._row_number,
        {{ count_matching('api.answers', 'answer_values.answers_on_scale') }} as n_answers
    from {{ source('raw', 'agency_api') }} as api
    cross join answer_values
    where {{ in_batch }}

),

agency_api_answers as (

    select sum(n_answers) as n_raw
    from (
        select max_by(n_answers, {{ delivery_order }}) as n_answers
        from agency_api_rows
        group by response_id
    ) as latest

),

contact_center_answers as (

    select sum(n_answers) as n_raw
    from (
        select
            max_by(
                {%- for q in ['q1', 'q2', 'q3', 'q4', 'q5'] %}
                    case when {{ q }} between 1 and 5 then 1 else 0 end{% if not loop.last %}
                        +
                    {% endif %}
                {%- endfor %},
                {{ delivery_order }}
            ) as n_answers
        from {{ source('raw', 'contact_center') }}
        where {{ in_batch }}
        group by call_id
    ) as latest

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
    where {{ in_batch }}
    group by _source

),

-- The answers of an earlier version of a response the batch replaced must be gone.
stale_answers as (

    {%- if builds_incrementally() %}

        select
            answers._source as source,
            count(*) as n_stale
        from {{ ref('fct_transaction_feedback') }} as answers
        inner join {{ replaced_responses_relation() }} as replaced
            on answers.response_key = replaced.response_key
        where
            replaced.replaced_at > {{ incremental_batch_since('fct_transaction_feedback') }}
            and answers._loaded_at < replaced.replaced_at
        group by answers._source

    {%- else %}

        select
            answers._source as source,
            count(*) as n_stale
        from {{ ref('fct_transaction_feedback') }} as answers
        -- a full rebuild every build (Spark) keeps no earlier version
        where false
        group by answers._source

    {%- endif %}

)

select
    coalesce(raw_counts.source, fact_counts.source) as source,
    raw_counts.n_raw,
    fact_counts.n_fact
from raw_counts
full outer join fact_counts on raw_counts.source = fact_counts.source
where coalesce(raw_counts.n_raw, 0) != coalesce(fact_counts.n_fact, 0)
union all
select
    source || ' (answers of replaced versions left)' as source,
    0 as n_raw,
    n_stale as n_fact
from stale_answers
