{#-
    Plain-SQL statistics (arithmetic, sqrt, exp only) so the marts run on any engine.

    wilson_low / wilson_high: the 95 % Wilson score interval of a proportion
    n_positive / n, as a 0..1 proportion (NULL when n = 0). For 8/10: 0.490 .. 0.943.
-#}

{% macro wilson_low(n_positive, n, z=1.96) -%}
    case when {{ n }} > 0 then (
        (cast({{ n_positive }} as double) / {{ n }}) + {{ z }} * {{ z }} / (2.0 * {{ n }})
        - {{ z }} * sqrt(
            (cast({{ n_positive }} as double) / {{ n }})
            * (1 - cast({{ n_positive }} as double) / {{ n }}) / {{ n }}
            + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})
        )
    ) / (1 + {{ z }} * {{ z }} / {{ n }}) end
{%- endmacro %}

{% macro wilson_high(n_positive, n, z=1.96) -%}
    case when {{ n }} > 0 then (
        (cast({{ n_positive }} as double) / {{ n }}) + {{ z }} * {{ z }} / (2.0 * {{ n }})
        + {{ z }} * sqrt(
            (cast({{ n_positive }} as double) / {{ n }})
            * (1 - cast({{ n_positive }} as double) / {{ n }}) / {{ n }}
            + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})
        )
    ) / (1 + {{ z }} * {{ z }} / {{ n }}) end
{%- endmacro %}

{#-
    Two-sided p-value of the pooled two-proportion z-test comparing x1/n1 with x2/n2.
    NULL when either group is empty; 1 when the pooled proportion is 0 or 1 (both
    groups identical, no variance). The normal tail uses Abramowitz & Stegun 26.2.17
    (absolute error < 7.5e-8), so no erf()/cdf() function is needed.
-#}
{% macro two_proportion_p_value(x1, n1, x2, n2) -%}
    {%- set p1 = '(cast(' ~ x1 ~ ' as double) / ' ~ n1 ~ ')' -%}
    {%- set p2 = '(cast(' ~ x2 ~ ' as double) / ' ~ n2 ~ ')' -%}
    {%- set pooled = '(cast(' ~ x1 ~ ' + ' ~ x2 ~ ' as double) / (' ~ n1 ~ ' + ' ~ n2 ~ '))' -%}
    {%- set se = 'sqrt(' ~ pooled ~ ' * (1 - ' ~ pooled ~ ') * (1.0 / ' ~ n1 ~ ' + 1.0 / ' ~ n2 ~ '))' -%}
    case
        when coalesce({{ n1 }}, 0) = 0 or coalesce({{ n2 }}, 0) = 0 then null
        when {{ pooled }} <= 0 or {{ pooled }} >= 1 then 1.0
        else {{ normal_two_sided_tail('abs(' ~ p1 ~ ' - ' ~ p2 ~ ') / ' ~ se) }}
    end
{%- endmacro %}

{#- 2 * (1 - Phi(z)) for z >= 0. -#}
{% macro normal_two_sided_tail(abs_z) -%}
    {%- set t = '(1.0 / (1.0 + 0.2316419 * (' ~ abs_z ~ ')))' -%}
    least(1.0, 2.0 * (exp(-0.5 * ({{ abs_z }}) * ({{ abs_z }})) / 2.5066282746310002) * (
        {{ t }} * (0.319381530 + {{ t }} * (-0.356563782 + {{ t }} * (1.781477937
        + {{ t }} * (-1.821255978 + {{ t }} * 1.330274429))))
    ))
{%- endmacro %}

{#- The change of a scored cell since its previous quarter, as the quarterly marts
    publish it: score_change (points), the pooled two-proportion test's p_value and
    is_change_significant (p < significance_alpha; false without a previous quarter).
    `current` and `previous` are relation aliases with n, n_positive and score. -#}
{% macro change_since_previous_quarter(current, previous) -%}
    {%- set p_value = two_proportion_p_value(
        current ~ '.n_positive', current ~ '.n', previous ~ '.n_positive', previous ~ '.n') -%}
    cast(round({{ current }}.score - {{ previous }}.score, 4) as double) as score_change,
    cast(round({{ p_value }}, 6) as double) as p_value,
    coalesce({{ p_value }} < {{ var('significance_alpha') }}, false) as is_change_significant
{%- endmacro %}

{#- Join condition: `previous` is the calendar-previous fiscal quarter of `current`
    (Q1's is Q4 of the year before), not the last quarter with answers. -#}
{% macro is_previous_fiscal_quarter(current, previous) -%}
    {{ previous }}.fiscal_year
    = {{ prev_fiscal_year(current ~ '.fiscal_year', current ~ '.fiscal_quarter') }}
    and {{ previous }}.fiscal_quarter = {{ prev_fiscal_quarter(current ~ '.fiscal_quarter') }}
{%- endmacro %}
