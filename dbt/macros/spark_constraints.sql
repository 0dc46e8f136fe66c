{#-
    Contracts on Spark's Parquet tables. Spark can declare NOT NULL and CHECK only on
    Delta tables, so dbt-spark skips a Parquet table's constraints (or fails altering
    it). Here they are checked instead, in one query after the table is built: the model
    fails, naming them, if a row breaks a not_null or check constraint of its contract.
    Column names and types are still enforced by dbt's contract check before the build.
-#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if not (contract_config and contract_config.enforced) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- for constraint in model.constraints -%}
        {%- if constraint.type == 'check' -%}
            {%- do conditions.append('not (' ~ constraint.expression ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column_name, column in model.columns.items() -%}
        {%- for constraint in column.constraints -%}
            {%- if constraint.type == 'not_null' -%}
                {%- do conditions.append(column_name ~ ' is null') -%}
            {%- elif constraint.type == 'check' -%}
                {%- do conditions.append('not (' ~ constraint.expression ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if conditions and execute -%}
        {%- set columns = [] -%}
        {%- for condition in conditions -%}
            {%- do columns.append('count_if(' ~ condition ~ ')') -%}
        {%- endfor -%}
        {%- set counts = run_query('select ' ~ columns | join(', ') ~ ' from ' ~ relation).rows[0] -%}
        {%- set broken = [] -%}
        {%- for condition in conditions -%}
            {%- if counts[loop.index0] -%}
                {%- do broken.append(condition ~ ': ' ~ counts[loop.index0] ~ ' rows') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if broken -%}
            {%- do exceptions.raise_compiler_error(
                'Contract constraints broken in ' ~ relation ~ ' (' ~ broken | join('; ') ~ ')') -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
