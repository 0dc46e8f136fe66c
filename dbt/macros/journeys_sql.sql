{#-
    Helpers for the journeys, relationship and action-plan models. The models stay in
    plain SQL (window functions, joins, group by) so that they port to Spark; the few
    engine-specific expressions live here behind adapter.dispatch, with a default__
    (DuckDB / Postgres-style) and a spark__ implementation.
-#}

{#- Days (fractional) from timestamp `start_ts` to `end_ts`; exact across DST changes. -#}
{% macro journeys_days_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('journeys_days_between', 'cx_warehouse')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__journeys_days_between(start_ts, end_ts) -%}
    ((extract(epoch from {{ end_ts }}) - extract(epoch from {{ start_ts }})) / 86400.0)
{%- endmacro %}

{% macro spark__journeys_days_between(start_ts, end_ts) -%}
    ((unix_timestamp({{ end_ts }}) - unix_timestamp({{ start_ts }})) / 86400.0)
{%- endmacro %}

{#- Distinct values of a varchar column, sorted, joined with ',' (an aggregate). -#}
{% macro journeys_sorted_list_agg(column) -%}
    {{ return(adapter.dispatch('journeys_sorted_list_agg', 'cx_warehouse')(column)) }}
{%- endmacro %}

{% macro default__journeys_sorted_list_agg(column) -%}
    string_agg(distinct {{ column }}, ',' order by {{ column }})
{%- endmacro %}

{% macro spark__journeys_sorted_list_agg(column) -%}
    array_join(array_sort(collect_set({{ column }})), ',')
{%- endmacro %}

{#- Median of a numeric column (an aggregate; NULLs ignored). -#}
{% macro journeys_median(column) -%}
    {{ return(adapter.dispatch('journeys_median', 'cx_warehouse')(column)) }}
{%- endmacro %}

{% macro default__journeys_median(column) -%}
    percentile_cont(0.5) within group (order by {{ column }})
{%- endmacro %}

{% macro spark__journeys_median(column) -%}
    percentile({{ column }}, 0.5)
{%- endmacro %}

{#-
    Fiscal period of a DATE (seed dates, no time zone involved; the core helper's
    fiscal_year()/fiscal_quarter() macros take timestamps and convert them to UTC).
-#}
{% macro journeys_fiscal_year_of_date(date_expr) -%}
    (
        cast(extract(year from {{ date_expr }}) as integer)
        + case when extract(month from {{ date_expr }}) >= 10 then 1 else 0 end
    )
{%- endmacro %}

{% macro journeys_fiscal_quarter_of_date(date_expr) -%}
    (
        case
            when extract(month from {{ date_expr }}) >= 10 then 1
            when extract(month from {{ date_expr }}) <= 3 then 2
            when extract(month from {{ date_expr }}) <= 6 then 3
            else 4
        end
    )
{%- endmacro %}

{#-
    A fiscal quarter as one consecutive integer (FY2025 Q1 -> 8100, FY2025 Q2 -> 8101,
    FY2024 Q4 -> 8099), so "the quarter before" and "quarters between" are arithmetic.
-#}
{% macro journeys_quarter_index(fiscal_year, fiscal_quarter) -%}
    ({{ fiscal_year }} * 4 + {{ fiscal_quarter }} - 1)
{%- endmacro %}

{#- Last day (a DATE) of a fiscal quarter: FY2025 Q1 -> 2024-12-31. -#}
{% macro journeys_fiscal_quarter_end(fiscal_year, fiscal_quarter) -%}
    cast({{ dbt.dateadd(
        'day', -1,
        dbt.dateadd('month', '3 * (' ~ fiscal_quarter ~ ')',
                    'make_date(cast(' ~ fiscal_year ~ ' as integer) - 1, 10, 1)')
    ) }} as date)
{%- endmacro %}
