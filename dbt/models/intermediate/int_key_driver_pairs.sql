-- The 2x2 counts behind the key drivers of trust (agg_key_drivers), per service x fiscal
-- quarter x channel x driver: pairs (a driver answer of a response that also answered
-- trust), driver-positive and not, and how many of each trust (macro
-- key_driver_pair_counts). Kept up to date by addition, as int_answers_aggregated: a
-- build adds the pairs of the answers loaded since the last one and takes away those of
-- the responses they replaced (recorded by fct_transaction_feedback's pre-hook), so it
-- reads the batch, never every answer again. Suspect responses are counted here and
-- taken away by agg_key_drivers, so a flag that changes later needs no change here. A
-- cell whose pairs were all replaced keeps its row with zeros (its load time is the
-- cursor). On an adapter without delete+insert (Spark) it is rebuilt from every answer.
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key=['service_id', 'fiscal_year', 'fiscal_quarter', 'channel', 'driver'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
-- depends_on: {{ ref('fct_transaction_feedback') }}
{%- set key = 'service_id, fiscal_year, fiscal_quarter, channel, driver' %}
{%- set counts = ['n', 'n1', 'n0', 't1', 't0', 'tp'] %}
{%- set since = incremental_since() %}

with

-- read twice (each answer, and its response's trust answer): inlined, not copied first
batch as {{ inline_cte() }} (

    select
        answers.response_key,
        answers.service_id,
        answers.fiscal_year,
        answers.fiscal_quarter,
        answers.channel,
        answers.driver,
        answers.is_positive,
        answers._loaded_at
    from {{ ref('fct_transaction_feedback') }} as answers
    {{ incremental_cursor_filter('answers._loaded_at', since=since) }}

),

added as (

    {{ key_driver_pair_counts('batch', also_by='_loaded_at') }}

),

{%- if is_incremental() %}

    removed as (

        select
            {{ key }},
            {%- for c in counts %}
            -sum({{ c }}) as {{ c }},
            {%- endfor %}
            max(replaced_at) as _loaded_at
        from {{ replaced_key_driver_pairs_relation() }}
        where
            replaced_at
            > cast('{{ since if since != 'empty' else '-infinity' }}' as timestamp with time zone)
        group by {{ key }}

    ),

    previous as (

        select
            {{ key }},
            {{ counts | join(', ') }},
            _loaded_at
        from {{ this }} as cells
        where exists (
            select 1 from (
                select {{ key }} from added
                union all
                select {{ key }} from removed
            ) as changes
            where
                changes.service_id = cells.service_id
                and changes.fiscal_year = cells.fiscal_year
                and changes.fiscal_quarter = cells.fiscal_quarter
                and changes.channel = cells.channel
                and changes.driver = cells.driver
        )

    ),

{%- endif %}

counted as (

    select
        {{ key }},
        {{ counts | join(', ') }},
        _loaded_at
    from added
    {%- if is_incremental() %}
    union all
    select
        {{ key }},
        {{ counts | join(', ') }},
        _loaded_at
    from removed
    union all
    select
        {{ key }},
        {{ counts | join(', ') }},
        _loaded_at
    from previous
    {%- endif %}

)

select
    service_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    channel,
    driver,
    cast(sum(n) as bigint) as n,
    cast(sum(n1) as bigint) as n1,
    cast(sum(n0) as bigint) as n0,
    cast(sum(t1) as bigint) as t1,
    cast(sum(t0) as bigint) as t0,
    cast(sum(tp) as bigint) as tp,
    max(_loaded_at) as _loaded_at
from counted
group by {{ key }}
