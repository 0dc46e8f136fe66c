{#-
    Federal fiscal period of a timestamp (METRICS.md "Time"): the fiscal year starts
    on 1 October (FY2025 = 2024-10-01 .. 2025-09-30), Q1 = Oct-Dec. The period is taken
    from the UTC date, whatever the session time zone is: a timestamptz is converted to
    UTC explicitly before its date is taken.
-#}

{% macro utc_date(ts) -%}
    {{ return(adapter.dispatch('utc_date', 'cx_warehouse')(ts)) }}
{%- endmacro %}

{% macro default__utc_date(ts) -%}
    cast(({{ ts }}) at time zone 'UTC' as date)
{%- endmacro %}

{% macro spark__utc_date(ts) -%}
    to_date(to_utc_timestamp({{ ts }}, current_timezone()))
{%- endmacro %}

{#- The fiscal period of an instant: of its UTC date. -#}
{% macro fiscal_year(ts) -%}
    {{ fiscal_year_of_date(utc_date(ts)) }}
{%- endmacro %}

{% macro fiscal_quarter(ts) -%}
    {{ fiscal_quarter_of_date(utc_date(ts)) }}
{%- endmacro %}

{#- The fiscal period of a DATE (the one definition; the Python one is
    dagster_project/core/fiscal.py, and tests/test_fiscal.py checks they agree on every day). -#}
{% macro fiscal_year_of_date(date_expr) -%}
    (
        cast(extract(year from {{ date_expr }}) as integer)
        + case when extract(month from {{ date_expr }}) >= 10 then 1 else 0 end
    )
{%- endmacro %}

{% macro fiscal_quarter_of_date(date_expr) -%}
    (
        case
            when extract(month from {{ date_expr }}) >= 10 then 1
            when extract(month from {{ date_expr }}) <= 3 then 2
            when extract(month from {{ date_expr }}) <= 6 then 3
            else 4
        end
    )
{%- endmacro %}

{#-
    A fiscal quarter as one consecutive integer (FY2025 Q1 -> 8100, FY2025 Q2 -> 8101,
    FY2024 Q4 -> 8099), so "the quarter before" and "quarters between" are arithmetic.
-#}
{% macro fiscal_quarter_index(fiscal_year, fiscal_quarter) -%}
    ({{ fiscal_year }} * 4 + {{ fiscal_quarter }} - 1)
{%- endmacro %}

{#- First and last day (DATEs) of a fiscal quarter: FY2025 Q1 -> 2024-10-01, 2024-12-31. -#}
{% macro fiscal_quarter_start(fiscal_year, fiscal_quarter) -%}
    cast({{ dbt.dateadd('month', '3 * (' ~ fiscal_quarter ~ ' - 1)',
                        'make_date(cast(' ~ fiscal_year ~ ' as integer) - 1, 10, 1)') }} as date)
{%- endmacro %}

{% macro fiscal_quarter_end(fiscal_year, fiscal_quarter) -%}
    cast({{ dbt.dateadd(
        'day', -1,
        dbt.dateadd('month', '3 * (' ~ fiscal_quarter ~ ')',
                    'make_date(cast(' ~ fiscal_year ~ ' as integer) - 1, 10, 1)')
    ) }} as date)
{%- endmacro %}

{#- The fiscal quarter before (fiscal_year, fiscal_quarter): Q1's predecessor is Q4 of the year before. -#}
{% macro prev_fiscal_year(fiscal_year, fiscal_quarter) -%}
    (case when {{ fiscal_quarter }} = 1 then {{ fiscal_year }} - 1 else {{ fiscal_year }} end)
{%- endmacro %}

{% macro prev_fiscal_quarter(fiscal_quarter) -%}
    (case when {{ fiscal_quarter }} = 1 then 4 else {{ fiscal_quarter }} - 1 end)
{%- endmacro %}

{#- The type of an instant (DuckDB's timestamptz): Spark's `timestamp` is one (stored
    as UTC, shown in the session time zone, UTC here). -#}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'cx_warehouse')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}
    timestamp with time zone
{%- endmacro %}

{% macro spark__type_timestamptz() -%}
    timestamp
{%- endmacro %}
