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

{% macro fiscal_year(ts) -%}
    (
        extract(year from {{ utc_date(ts) }})
        + case when extract(month from {{ utc_date(ts) }}) >= 10 then 1 else 0 end
    )
{%- endmacro %}

{% macro fiscal_quarter(ts) -%}
    case
        when extract(month from {{ utc_date(ts) }}) >= 10 then 1
        when extract(month from {{ utc_date(ts) }}) <= 3 then 2
        when extract(month from {{ utc_date(ts) }}) <= 6 then 3
        else 4
    end
{%- endmacro %}

{#- The fiscal quarter before (fiscal_year, fiscal_quarter): Q1's predecessor is Q4 of the year before. -#}
{% macro prev_fiscal_year(fiscal_year, fiscal_quarter) -%}
    (case when {{ fiscal_quarter }} = 1 then {{ fiscal_year }} - 1 else {{ fiscal_year }} end)
{%- endmacro %}

{% macro prev_fiscal_quarter(fiscal_quarter) -%}
    (case when {{ fiscal_quarter }} = 1 then 4 else {{ fiscal_quarter }} - 1 end)
{%- endmacro %}
