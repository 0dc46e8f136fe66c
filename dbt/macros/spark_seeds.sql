{#-
    With a Spark on this machine (the local session, or a Thrift server on localhost)
    the CSV file is read by Spark itself, as dbt-duckdb has
    DuckDB read it: an empty cell is NULL and every other text stays as written (dbt's
    CSV parser, behind the literals below, also reads `null` as NULL: the seed
    answer_encodings maps the text "null").

    On a remote cluster, which cannot read this machine's files:
    dbt-spark's seed loader binds each value as '<value>' without escaping it: a value
    holding a quote (the comment themes' patterns, the alert rules' texts) breaks the
    insert, and an empty cell arrives as the string 'None'. On Spark the seeds are
    loaded with literals written here instead: NULL for an empty cell, the value
    escaped for Spark's string syntax (backslash, quote) otherwise, cast to the seed's
    column type as dbt-spark does. Other adapters keep their own loader.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- if target.host in ('localhost', '127.0.0.1') -%}
        {{ return(spark_load_csv_file(model, agate_table)) }}
    {%- endif -%}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- else -%}
        '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark_load_csv_file(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set view = 'cx_seed_csv_' ~ this.identifier -%}
    {%- set create_view -%}
        create or replace temporary view {{ view }}
        using csv
        options (
            path '{{ model.root_path }}/{{ model.original_file_path }}', header 'true', escape '"',
            multiLine 'true', encoding 'UTF-8',
            delimiter '{{ model['config'].get('delimiter', ',') }}'
        )
    {%- endset -%}
    {%- do adapter.add_query(create_view, abridge_sql_log=True) -%}
    {%- set sql -%}
        insert into {{ this.render() }}
        select
        {%- for col_name in agate_table.column_names %}
            cast(`{{ col_name }}` as {{ column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) }})
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ view }}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do adapter.add_query('drop view if exists ' ~ view, abridge_sql_log=True) -%}
    {{ return(sql) }}
{% endmacro %}
