{#-
    Comment themes (seed comment_themes): which themes each distinct comment text is
    about. A comment is about a theme when its lower-cased text, with the theme's
    exclude_pattern phrases blanked out first (negations and near-misses: "no
    problems", "application status" for the app theme), matches the theme's pattern.
    Patterns are read from the seed when the model runs and written into the SQL as
    constants, so each is compiled once, not once per row; every distinct text is
    matched once however many responses share it.
    `texts`: a relation or CTE with a column `comment`.
-#}
{% macro comment_theme_matches(texts) -%}
    {%- set themes = [] %}
    {%- if execute %}
        {%- set result = run_query(
            "select theme, pattern, exclude_pattern from " ~ ref('comment_themes')
            ~ " order by theme"
        ) %}
        {%- for row in result.rows %}
            {%- do themes.append(row) %}
        {%- endfor %}
    {%- endif %}
    {%- if themes | length == 0 %}
    select cast(null as {{ dbt.type_string() }}) as comment, cast(null as {{ dbt.type_string() }}) as theme where false
    {%- endif %}
    {%- for theme, pattern, exclude in themes %}
    select
        texts.comment,
        '{{ theme }}' as theme
    from {{ texts }} as texts
    where {{ regex_matches(
        regex_replace_all('lower(texts.comment)', sql_string(exclude), "' '")
        if exclude else 'lower(texts.comment)',
        sql_string(pattern)
    ) }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A SQL string literal of `value`: quotes doubled; on Spark, whose literals read
    backslash escapes, backslashes doubled and quotes escaped, so a pattern's `\b`
    reaches the regex engine as written. -#}
{% macro sql_string(value) -%}
    {{ return(adapter.dispatch('sql_string', 'cx_warehouse')(value)) }}
{%- endmacro %}

{% macro default__sql_string(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value) -%}
    '{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#- Whether `text` has a match of the regular expression `pattern` anywhere. -#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'cx_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}

{#- `text` with every match of `pattern` replaced by `replacement`. -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'cx_warehouse')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
