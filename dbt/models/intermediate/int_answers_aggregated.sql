-- The counts behind the quarterly scores and the dashboard's answer distributions, per
-- service x fiscal quarter x channel x driver cell and answer (scale, value): answers,
-- positive answers, Likert answers and their sum. Kept up to date by
-- addition: a build adds the counts of the answers loaded since the last one and takes
-- away those of the answers they replaced (recorded by fct_transaction_feedback's
-- pre-hook), so it reads only the batch, never every answer again. Exactly once: the
-- batch is `_loaded_at > ` the last one counted, and load times only grow. A cell whose
-- answers were all replaced keeps its row with zeros: its load time may be the cursor,
-- and dropping it would move the cursor back, so the next build would take the same
-- replaced answers away again (readers skip n = 0). On an adapter without delete+insert
-- (Spark) it is rebuilt from every answer (cx_incremental_materialization).
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key=[
            'service_id', 'fiscal_year', 'fiscal_quarter', 'channel', 'driver', 'scale',
            'answer_value',
        ],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ ref('fct_transaction_feedback') }}
{%- set key =
    'service_id, agency_code, fiscal_year, fiscal_quarter, channel, driver, scale, answer_value' %}
{%- set since = incremental_since() %}

with

added as (

    select
        {{ key }},
        {{ answer_cell_counts('answers') }},
        max(answers._loaded_at) as _loaded_at
    from {{ ref('fct_transaction_feedback') }} as answers
    {{ incremental_cursor_filter('answers._loaded_at', since=since) }}
    group by {{ key }}

)

{%- if is_incremental() %},

removed as (

    select
        {{ key }},
        -sum(n) as n,
        -sum(n_positive) as n_positive,
        -sum(n_likert) as n_likert,
        -sum(likert_sum) as likert_sum,
        max(replaced_at) as _loaded_at
    from {{ replaced_answer_values_relation() }}
    where replaced_at > cast('{{ since if since != 'empty' else '-infinity' }}' as timestamp with time zone)
    group by {{ key }}

),

changes as (

    select * from added
    union all
    select * from removed

),

previous as (

    select
        {{ key }}, n, n_positive, n_likert, likert_sum, _loaded_at
    from {{ this }} as cells
    where exists (
        select 1 from changes
        where
            changes.service_id = cells.service_id
            and changes.fiscal_year = cells.fiscal_year
            and changes.fiscal_quarter = cells.fiscal_quarter
            and changes.channel = cells.channel
            and changes.driver = cells.driver
            and changes.scale = cells.scale
            and changes.answer_value = cells.answer_value
    )

),

combined as (

    select
        {{ key }},
        cast(sum(n) as bigint) as n,
        cast(sum(n_positive) as bigint) as n_positive,
        cast(sum(n_likert) as bigint) as n_likert,
        cast(sum(likert_sum) as bigint) as likert_sum,
        max(_loaded_at) as _loaded_at
    from (select * from previous union all select * from changes) as counted
    group by {{ key }}

)

select * from combined

{%- else %}

select * from added  -- noqa: LT02

{%- endif %}
