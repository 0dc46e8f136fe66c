{#-
    Helpers for dbt unit-test fixtures given as SQL (`format: sql`, needed where an
    input column is a list of structs): a SQL fixture must name every column the model
    reads, so these add the ones a test does not care about as typed NULLs.

        select 'k1' as response_key, ... as answers, {{ fixture_nulls('int_responses_unioned', ['response_key', 'answers']) }}
-#}
{% macro fixture_columns(relation_name) -%}
    {%- set varchar = dbt.type_string() -%}
    {%- set timestamptz = type_timestamptz() | trim -%}
    {%- set columns = {
        'int_responses_unioned': [
            ('response_key', varchar), ('source', varchar), ('source_record_id', varchar),
            ('service_id', varchar), ('agency_code', varchar), ('channel', varchar),
            ('touchpoint', varchar), ('survey_type', varchar), ('case_id', varchar),
            ('journey_id', varchar), ('journey_stage_key', varchar),
            ('stage_key_delivered', varchar), ('customer_key', varchar),
            ('is_anonymous', 'boolean'), ('submitted_at', timestamptz),
            ('fiscal_year', 'integer'), ('fiscal_quarter', 'integer'), ('comment', varchar),
            ('_source_file', varchar), ('_row_number', 'bigint'),
            ('_delivered_at', timestamptz),
            ('_loaded_at', timestamptz),
        ],
        'stg_agency_api__responses': [
            ('response_key', varchar), ('response_id', varchar), ('service_id', varchar),
            ('customer_key', varchar), ('case_id', varchar), ('channel', varchar),
            ('stage_key', varchar), ('comment', varchar),
            ('submitted_at', timestamptz), ('_source', varchar),
            ('_source_file', varchar), ('_file_sha256', varchar), ('_row_number', 'bigint'),
            ('_delivered_at', timestamptz),
            ('_loaded_at', timestamptz),
        ],
    } -%}
    {{ return(columns[relation_name]) }}
{%- endmacro %}

{% macro fixture_nulls(relation_name, given) -%}
    {%- set items = [] -%}
    {%- for name, type in fixture_columns(relation_name) if name not in given -%}
        {%- do items.append('cast(null as ' ~ type ~ ') as ' ~ name) -%}
    {%- endfor -%}
    {{ items | join(', ') }}
{%- endmacro %}
