{#-
    Where the marts live: on DuckDB their own file, attached as marts_db by profiles.yml
    (dbt_project.yml's +database and dagster_project.core.settings.MARTS_CATALOG say the same), so that publishing them is a byte copy; elsewhere the target's
    database (none on Spark). dbt_project.yml builds models/marts there.

    The marts' build bookkeeping (each incremental batch's start, the rows a
    re-delivery replaced) sits beside them in its `intermediate` schema: DuckDB lets one
    transaction write to one database file, and the facts' hooks write it in the
    transaction that builds them. Publishing leaves that schema out of the snapshot.
-#}
{% macro marts_database() -%}
    {{ return('marts_db' if target.type == 'duckdb' else none) }}
{%- endmacro %}

{% macro bookkeeping_relation(name) -%}
    {{ return(api.Relation.create(database=marts_database(), schema='intermediate', identifier=name)) }}
{%- endmacro %}

{% macro create_bookkeeping_schema() -%}
    create schema if not exists {{ api.Relation.create(database=marts_database(), schema='intermediate').without_identifier() }}
{%- endmacro %}

{#- fct_response and fct_comment_themes are stored in the order the dashboard filters
    them by (service, then quarter): DuckDB's per-row-group min/max then skips every
    other service's rows. The publish is a byte copy, so the order dbt writes is the
    order the dashboard reads. (The answer fact is not sorted: the dashboard reads its
    counts from agg_answer_distribution; fct_transaction_feedback.sql says why.) -#}
{% macro service_quarter_order(prefix='') -%}
    order by {{ prefix }}service_id, {{ prefix }}fiscal_year, {{ prefix }}fiscal_quarter
{%- endmacro %}
