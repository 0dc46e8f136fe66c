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
