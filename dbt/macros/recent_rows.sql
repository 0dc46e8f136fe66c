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

{#- A view over an incremental fact's rows (meta `tests_rows_of: <fact>`, with the fact's
    _loaded_at): its tests read the rows of the fact's latest batch. The batch's start is
    read when the test runs and written into the filter as a constant, which DuckDB
    pushes below the view's aggregates (a subquery there is not: at 10M, 5.0 s against
    2.4 s for the OMB responses' rules). -#}
{% macro recent_rows_constant_filter(model_name) -%}
    {%- set batches = adapter.get_relation(
        database=marts_database(), schema='intermediate', identifier='incremental_batches'
    ) if execute and builds_incrementally() else none -%}
    {%- if var('full_tests', false) or flags.FULL_REFRESH or not builds_incrementally()
        or batches is none -%}
        1 = 1
    {%- else -%}
        {%- set found = run_query(
            "select cast(max(batch_since) as varchar) from " ~ batches
            ~ " where model = '" ~ model_name ~ "'"
        ) -%}
        {%- set since = found.columns[0].values()[0] -%}
        {%- if since is none -%}
        1 = 1
        {%- else -%}
        _loaded_at > cast('{{ since }}' as timestamp with time zone)
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- dbt's default plus: a test on an incremental model reads only its latest batch, and so
    does a test on a view that declares whose rows it shows (meta tests_rows_of). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set ns = namespace(incremental=false, rows_of=none) -%}
    {%- if execute and relation.identifier is not none -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.alias == relation.identifier
                and node.schema == relation.schema -%}
                {%- if node.config.materialized == 'incremental' -%}
                    {%- set ns.incremental = true -%}
                {%- endif -%}
                {%- set ns.rows_of = (node.config.meta or {}).get('tests_rows_of') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if ns.incremental -%}
        {%- do conditions.append(recent_rows_filter(relation.identifier)) -%}
    {%- elif ns.rows_of -%}
        {%- do conditions.append(recent_rows_constant_filter(ns.rows_of)) -%}
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
