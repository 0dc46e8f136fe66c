{#-
    The raw layer on Spark (README "Running on Spark"): the pipeline stages each raw.*
    table of the DuckDB warehouse as Parquet under CX_LAKE_URI (default
    $CX_DATA_DIR/lake/raw, dagster_project.core.lake), and this operation declares them
    as the `raw` schema of the Spark catalog: external tables over the Parquet
    directories, re-declared before every Spark build (`dbt run-operation
    register_raw_sources --target spark`; dagster_project.core.spark_python runs it) so
    a re-staged table's new files and schema are read. Not an on-run-start hook: a hook
    is a node of every DuckDB run's results too. Nothing on DuckDB, where raw.* are the
    ingest's own tables.
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
