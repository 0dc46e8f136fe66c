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
    select cast(null as varchar) as comment, cast(null as varchar) as theme where false
    {%- endif %}
    {%- for theme, pattern, exclude in themes %}
    select
        texts.comment,
        '{{ theme }}' as theme
    from {{ texts }} as texts
    where regexp_matches(
        {%- if exclude %}
        regexp_replace(lower(texts.comment), {{ sql_string(exclude) }}, ' ', 'g'),
        {%- else %}
        lower(texts.comment),
        {%- endif %}
        {{ sql_string(pattern) }}
    )
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A SQL string literal of `value` (quotes doubled). -#}
{% macro sql_string(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}
