{#-
    The batch of an incremental fact: the rows of raw loaded since the fact's last
    build. The loaders keep one version of each record in raw (a later delivery
    replaces the earlier one at load), so a batch needs no de-duplication here.

    incremental_since(): on an incremental build, max(_loaded_at) of the fact as a
    timestamp literal (read with run_query when the model is compiled), else none.
    A literal, not a scalar subquery, so that DuckDB pushes the filter through the union
    views into the raw scans.
-#}
{% macro incremental_since() -%}
    {%- if is_incremental() and execute -%}
        {%- set since = run_query(
            "select cast(max(_loaded_at) as " ~ dbt.type_string() ~ ") from " ~ this
        ).columns[0].values()[0] -%}
        {{ return(since if since is not none else 'empty') }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- `where _loaded_at > <since>` on an incremental build (nothing on a full one); an
    empty fact selects nothing, as `> (select max(...))` would. Strictly after: the
    loader gives every batch a load time after every earlier one (loader._load_time)
    and a whole source's delivery shares one, so the rows at <since> were all in the
    build that set it; `>=` would redo that whole batch (at 1M, most of the answers)
    on every later build. -#}
{% macro incremental_cursor_filter(column='_loaded_at', since=none) -%}
    {#- `since`: what incremental_since() returned, where the model needs it too -#}
    {%- set since = since if since is not none else incremental_since() -%}
    {%- if since == 'empty' %}
    where false
    {%- elif since is not none %}
    where {{ column }} > cast('{{ since }}' as timestamp with time zone)
    {%- endif -%}
{%- endmacro %}

{#- How an incremental mart is materialised: incremental (delete+insert by key) where
    the adapter can delete rows, a full rebuild where it cannot (Spark on Parquet). -#}
{% macro cx_incremental_materialization() -%}
    {{ return(adapter.dispatch('cx_incremental_materialization', 'cx_warehouse')()) }}
{%- endmacro %}

{% macro default__cx_incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__cx_incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- True where the facts build incrementally: their bookkeeping (each batch's start,
    the rows a re-delivery replaced, the screening state) is kept, and tests and hooks
    read it. On a full rebuild every build (Spark) there is none to keep: the hooks
    that write it do nothing, the tests read every row, and fct_response screens its
    responses in its own select (no update). -#}
{% macro builds_incrementally() -%}
    {{ return(cx_incremental_materialization() == 'incremental') }}
{%- endmacro %}
