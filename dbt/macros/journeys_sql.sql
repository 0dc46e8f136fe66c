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

{#- microseconds, as DuckDB's epoch() keeps them; a double, as on DuckDB -#}
{% macro spark__journeys_days_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 86400e6)
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

