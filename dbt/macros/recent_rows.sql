{#-
    Data tests on the incremental facts test only the rows of the latest load.

    Rule (documented in dbt/README-style here, and in docs of fct_response):
      * every generic data test (not_null, unique, accepted_values, relationships,
        unique_combination_of_columns, ...) whose model is an INCREMENTAL model tests
        the rows loaded by the latest build of that model: _loaded_at > the model's
        max(_loaded_at) as it was just before that build (recorded by the model's
        pre-hook `record_incremental_batch()` in intermediate.incremental_batches);
      * after a full build (first build, --full-refresh) nothing is recorded, so the
        tests scan every row; `--vars '{full_tests: true}'` or `--full-refresh` forces
        a full scan too;
      * the reconciliations with raw in dbt/tests/ (assert_every_raw_*) use the same
        filter on raw's and the fact's _loaded_at, and also check that no row of a
        record the batch replaced is left from its earlier version; a full build,
        --full-refresh or full_tests compares every row.
    Earlier rows were tested when they were loaded, and delete+insert on the unique key
    keeps a key unique across loads.
-#}
{% macro incremental_batches_relation() -%}
    {{ bookkeeping_relation('incremental_batches') }}
{%- endmacro %}

{# pre-hook of an incremental model: remember where this build's batch starts #}
{% macro record_incremental_batch() -%}
    {%- if builds_incrementally() %}
    {{ create_bookkeeping_schema() }};
    create table if not exists {{ incremental_batches_relation() }} (
        model varchar, batch_since timestamptz
    );
    delete from {{ incremental_batches_relation() }} where model = '{{ this.identifier }}';
    insert into {{ incremental_batches_relation() }}
    select
        '{{ this.identifier }}',
        {% if is_incremental() -%}
            (select max(_loaded_at) from {{ this }})
        {%- else -%}
            cast(null as timestamptz)
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{% macro recent_rows_filter(model_name) -%}
    {%- if var('full_tests', false) or flags.FULL_REFRESH or not builds_incrementally() -%}
        1 = 1
    {%- else -%}
        _loaded_at > coalesce(
            (select max(batch_since) from {{ incremental_batches_relation() }}
             where model = '{{ model_name }}'),
            cast('-infinity' as timestamptz)
        )
    {%- endif -%}
{%- endmacro %}

{#- dbt's default plus: a test on an incremental model reads only its latest batch. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set ns = namespace(incremental=false) -%}
    {%- if execute and relation.identifier is not none -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.alias == relation.identifier
                and node.schema == relation.schema
                and node.config.materialized == 'incremental' -%}
                {%- set ns.incremental = true -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if ns.incremental -%}
        {%- do conditions.append(recent_rows_filter(relation.identifier)) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The start of a model's latest incremental batch (as recorded by its pre-hook) as a
    SQL expression; +infinity after a full build, so "since the batch" selects nothing. -#}
{% macro incremental_batch_since(model_name) -%}
    coalesce(
        (select max(batch_since) from {{ incremental_batches_relation() }}
         where model = '{{ model_name }}'),
        cast('infinity' as timestamp with time zone)
    )
{%- endmacro %}
