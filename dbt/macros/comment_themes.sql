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
    {%- set themes = comment_theme_rows() %}
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

{#- The seed comment_themes' (theme, pattern, exclude_pattern) rows, by theme; none
    while dbt only parses. -#}
{% macro comment_theme_rows() -%}
    {%- set themes = [] %}
    {%- if execute %}
        {%- set result = run_query(
            "select theme, pattern, exclude_pattern from " ~ ref('comment_themes')
            ~ " order by theme"
        ) %}
        {%- for row in result.rows %}
            {%- do themes.append([row[0], row[1], row[2]]) %}
        {%- endfor %}
    {%- endif %}
    {{ return(themes) }}
{%- endmacro %}

{#-
    fct_comment_themes is kept up to date by response (DuckDB; a full rebuild where
    the facts are, on Spark). Its state in intermediate.comment_themes_state: the
    digest of the patterns it was matched with, fct_response's newest load time and
    the time of the build. A build matches again (delete, then insert) the responses
    loaded since then, re-delivered ones included, and those whose screening flag
    changed since (screening_changes); every response on a first or full build or when
    the seed's patterns changed.
-#}
{#- The patterns the matches are compiled from, as one value. -#}
{% macro comment_themes_digest() -%}
    {{ return(local_md5(tojson(comment_theme_rows()))) }}
{%- endmacro %}

{% macro comment_themes_state_relation() -%}
    {{ return(bookkeeping_relation('comment_themes_state')) }}
{%- endmacro %}

{#- (loaded_through, built_at) as SQL literals when the build is incremental, none
    when every response is in scope. -#}
{% macro comment_themes_since() -%}
    {%- if not (execute and is_incremental() and builds_incrementally()) %}
        {{ return(none) }}
    {%- endif %}
    {%- set state = comment_themes_state_relation() %}
    {%- if adapter.get_relation(state.database, state.schema, state.identifier) is none %}
        {{ return(none) }}
    {%- endif %}
    {%- set row = run_query(
        "select themes_digest, cast(loaded_through as varchar), cast(built_at as varchar) from "
        ~ state
    ).rows %}
    {%- if row | length != 1 or row[0][0] != comment_themes_digest() %}
        {{ return(none) }}
    {%- endif %}
    {{ return((
        "cast('" ~ (row[0][1] or '-infinity') ~ "' as timestamp with time zone)",
        "cast('" ~ row[0][2] ~ "' as timestamp with time zone)",
    )) }}
{%- endmacro %}

{#- The responses of fct_response (aliased `responses`) to match in this build, from
    comment_themes_since(). -#}
{% macro comment_themes_scope(since) -%}
    {%- if since is not none %}
    (
        responses._loaded_at > {{ since[0] }}
        or responses.response_key in (
            select changed.response_key from {{ screening_changes_relation() }} as changed
            where changed.changed_at > {{ since[1] }}
        )
    )
    {%- else %}
    true
    {%- endif %}
{%- endmacro %}

{#- pre-hook: the rows of the responses about to be matched again go first. -#}
{% macro clear_comment_themes_scope() -%}
    {%- if is_incremental() and builds_incrementally() %}
    {%- set since = comment_themes_since() %}
    delete from {{ this }}
    {%- if since is not none %}
    where response_key in (
        select responses.response_key from {{ ref('fct_response') }} as responses
        where {{ comment_themes_scope(since) }}
    )
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- post-hook: what the next build starts from. -#}
{% macro record_comment_themes_state() -%}
    {%- if builds_incrementally() %}
    {{ create_bookkeeping_schema() }};
    create or replace table {{ comment_themes_state_relation() }} as
    select
        '{{ comment_themes_digest() }}' as themes_digest,
        (select max(_loaded_at) from {{ ref('fct_response') }}) as loaded_through,
        now() as built_at
    {%- endif %}
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
