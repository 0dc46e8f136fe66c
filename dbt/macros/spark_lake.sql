{#-
    The raw layer on Spark (README "Running on Spark"): the pipeline stages each raw.*
    table of the DuckDB warehouse as Parquet under CX_LAKE_URI (default
    $CX_DATA_DIR/lake/raw, dagster_project.core.lake), and this on-run-start hook
    declares them as the `raw` schema of the Spark catalog: external tables over the
    Parquet directories, re-declared on every run so a re-staged table's new files and
    schema are read. Nothing on DuckDB, where raw.* are the ingest's own tables.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'cx_warehouse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set uri = env_var('CX_LAKE_URI', env_var('CX_DATA_DIR', '../data') ~ '/lake/raw') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for table in ['touchpoints', 'agency_api', 'contact_center', 'case_events',
                          'service_volumes', 'load_log', 'quarantine'] -%}
            {%- do run_query('drop table if exists raw.' ~ table) -%}
            {%- do run_query("create table raw." ~ table ~ " using parquet location '"
                             ~ uri.rstrip('/') ~ "/" ~ table ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
