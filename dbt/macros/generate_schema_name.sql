{#-
    The warehouse's schemas are exactly raw, staging, intermediate and marts
    (docs/interfaces.md); dbt's default would prefix them with the target schema
    ("main_staging"). A custom schema is therefore used verbatim.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
