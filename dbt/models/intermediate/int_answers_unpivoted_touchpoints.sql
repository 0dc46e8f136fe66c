-- Touchpoints submissions in long form: one row per answered driver, before the
-- positive/negative rules (int_answers_unpivoted applies them).
--   legacy a11: seven 1-5 columns;   v2: answer_01 = trust (thumbs 0/1 in a11_v2,
--   1-5 in a11_v2_radio); answer_02 / answer_03 = drivers that went well (1) / not (0).
-- Blank means not answered: no row. A driver ticked in both lists contradicts itself
-- and is not counted either way.
with

submissions as (

    select * from {{ ref('stg_touchpoints__submissions') }}

),

{%- set lineage = '_source, _source_file, _row_number, _loaded_at' %}

legacy as (
    {%- for driver in legacy_a11_drivers() %}
        select
            response_key, '{{ driver }}' as driver, 'likert5' as scale,
            {{ driver }} as answer_value, {{ lineage }}
        from submissions
        where form_kind = 'a11' and {{ driver }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

trust_v2 as (

    select
        response_key, 'trust' as driver,
        case when form_kind = 'a11_v2' then 'thumbs' else 'likert5' end as scale,
        answer_01 as answer_value, {{ lineage }}
    from submissions
    where form_kind in ('a11_v2', 'a11_v2_radio') and answer_01 is not null

),

indicators as (
    {%- for driver in indicator_drivers() %}
        select
            response_key, '{{ driver }}' as driver, 'indicator' as scale,
            case when {{ list_contains('answer_02', driver) }} then 1 else 0 end as answer_value,
            {{ lineage }}
        from submissions
        where
            form_kind in ('a11_v2', 'a11_v2_radio')
            and (
                coalesce({{ list_contains('answer_02', driver) }}, false)
                != coalesce({{ list_contains('answer_03', driver) }}, false)
            )
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from legacy
union all
select * from trust_v2
union all
select * from indicators
