{#-
    Array helpers behind adapter.dispatch: the models run on DuckDB here, and agencies
    will run the same models on Spark later. Each helper has a default__ (DuckDB /
    Postgres-style SQL) and a spark__ implementation.

    lateral_unnest: a FROM-clause fragment that joins each row to the elements of an
    array column, one output row per element, element exposed as `alias.column`
    (struct fields as `alias.column.field`). Rows with an empty/NULL array disappear.
-#}

{% macro lateral_unnest(array_expr, alias, column) -%}
    {{ return(adapter.dispatch('lateral_unnest', 'cx_warehouse')(array_expr, alias, column)) }}
{%- endmacro %}

{% macro default__lateral_unnest(array_expr, alias, column) -%}
    cross join unnest({{ array_expr }}) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__lateral_unnest(array_expr, alias, column) -%}
    lateral view explode({{ array_expr }}) {{ alias }} as {{ column }}
{%- endmacro %}

{#- Like lateral_unnest, plus the element's 1-based position as `alias.position_column`. -#}
{% macro lateral_unnest_with_position(array_expr, alias, column, position_column) -%}
    {{ return(adapter.dispatch('lateral_unnest_with_position', 'cx_warehouse')(
        array_expr, alias, column, position_column)) }}
{%- endmacro %}

{% macro default__lateral_unnest_with_position(array_expr, alias, column, position_column) -%}
    cross join unnest({{ array_expr }}) with ordinality as {{ alias }} ({{ column }}, {{ position_column }})
{%- endmacro %}

{% macro spark__lateral_unnest_with_position(array_expr, alias, column, position_column) -%}
    lateral view posexplode({{ array_expr }}) {{ alias }} as {{ position_column }}, {{ column }}
{%- endmacro %}

{#- An array of the integers lo..hi (inclusive). -#}
{% macro integer_range(lo, hi) -%}
    {{ return(adapter.dispatch('integer_range', 'cx_warehouse')(lo, hi)) }}
{%- endmacro %}

{% macro default__integer_range(lo, hi) -%}
    range(cast({{ lo }} as bigint), cast({{ hi }} as bigint) + 1)
{%- endmacro %}

{% macro spark__integer_range(lo, hi) -%}
    sequence(cast({{ lo }} as bigint), cast({{ hi }} as bigint))
{%- endmacro %}

{#-
    tokenize: the lower-cased words of a free text as an array of strings. A word is
    a run of letters a-z and apostrophes (so "don't" stays one token); curly
    apostrophes are straightened first. Empty strings may appear at the edges;
    callers drop them.
-#}
{% macro tokenize(text_expr) -%}
    {{ return(adapter.dispatch('tokenize', 'cx_warehouse')(text_expr)) }}
{%- endmacro %}

{% macro default__tokenize(text_expr) -%}
    regexp_split_to_array(replace(lower({{ text_expr }}), '’', ''''), '[^a-z'']+')
{%- endmacro %}

{% macro spark__tokenize(text_expr) -%}
    split(replace(lower({{ text_expr }}), '’', ''''), '[^a-z'']+')
{%- endmacro %}

{#-
    select_unnest_with_position: like lateral_unnest_with_position, but as SELECT-list
    items (`array_expr` element as `column`, its 1-based position as `position_column`),
    one output row per element. DuckDB pushes a filter on the other columns of the row
    (e.g. the facts' _loaded_at cursor) below a select-list unnest, not below a lateral
    join with unnest(): use this form in views that incremental models filter.
-#}
{% macro select_unnest_with_position(array_expr, column, position_column) -%}
    {{ return(adapter.dispatch('select_unnest_with_position', 'cx_warehouse')(
        array_expr, column, position_column)) }}
{%- endmacro %}

{% macro default__select_unnest_with_position(array_expr, column, position_column) -%}
    unnest({{ array_expr }}) as {{ column }},
    generate_subscripts({{ array_expr }}, 1) as {{ position_column }}
{%- endmacro %}

{% macro spark__select_unnest_with_position(array_expr, column, position_column) -%}
    posexplode({{ array_expr }}) as ({{ position_column }}, {{ column }})
{%- endmacro %}

{#- How many answers of a list (`{scale, value}` elements) read as an answer: their
    `scale:value` is in `values_list` (a list column). One scalar per row, so a
    reconciliation needs no unnest + group by over all answers. -#}
{% macro count_matching(array_expr, values_list) -%}
    {{ return(adapter.dispatch('count_matching')(array_expr, values_list)) }}
{%- endmacro %}

{% macro default__count_matching(array_expr, values_list) -%}
    len(list_filter({{ array_expr }}, lambda a: list_contains({{ values_list }}, a.scale || ':' || lower(trim(a.value)))))
{%- endmacro %}

{% macro spark__count_matching(array_expr, values_list) -%}
    size(filter({{ array_expr }}, a -> array_contains({{ values_list }}, concat(a.scale, ':', lower(trim(a.value))))))
{%- endmacro %}

{#-
    An answer as a struct {driver, scale, value}: the element type of every response's
    `answers` list in int_responses_unioned (value as text, as agency API delivers it).
-#}
{% macro answer_item(driver, scale, value) -%}
    {{ return(adapter.dispatch('answer_item', 'cx_warehouse')(driver, scale, value)) }}
{%- endmacro %}

{% macro default__answer_item(driver, scale, value) -%}
    {'driver': {{ driver }}, 'scale': {{ scale }}, 'value': cast({{ value }} as {{ dbt.type_string() }})}
{%- endmacro %}

{% macro spark__answer_item(driver, scale, value) -%}
    named_struct('driver', {{ driver }}, 'scale', {{ scale }}, 'value', cast({{ value }} as string))
{%- endmacro %}

{#- An array literal of the given SQL expressions. -#}
{% macro array_of(items) -%}
    {{ return(adapter.dispatch('array_of', 'cx_warehouse')(items)) }}
{%- endmacro %}

{% macro default__array_of(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__array_of(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}

{#- Whether any struct element of an array has `field` = `value` (a SQL literal). -#}
{% macro any_element_has(array_expr, field, value) -%}
    {{ return(adapter.dispatch('any_element_has', 'cx_warehouse')(array_expr, field, value)) }}
{%- endmacro %}

{% macro default__any_element_has(array_expr, field, value) -%}
    coalesce(list_contains(list_transform({{ array_expr }}, lambda e: e.{{ field }}), {{ value }}), false)
{%- endmacro %}

{% macro spark__any_element_has(array_expr, field, value) -%}
    coalesce(exists({{ array_expr }}, e -> e.{{ field }} = {{ value }}), false)
{%- endmacro %}

{#- Whether the string `haystack` contains `needle` (both SQL expressions). -#}
{% macro string_contains(haystack, needle) -%}
    {{ return(adapter.dispatch('string_contains', 'cx_warehouse')(haystack, needle)) }}
{%- endmacro %}

{% macro default__string_contains(haystack, needle) -%}
    contains({{ haystack }}, {{ needle }})
{%- endmacro %}

{% macro spark__string_contains(haystack, needle) -%}
    (instr({{ haystack }}, {{ needle }}) > 0)
{%- endmacro %}

{#- string_agg(expr, separator order by order_expr): the values of `expr` (never NULL)
    joined with `separator` (a SQL literal) in the order of `order_expr` (an aggregate). -#}
{#- `over`: a window (e.g. 'partition by k') to aggregate over instead of a group. -#}
{% macro ordered_string_agg(expr, separator, order_expr, over=none) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'cx_warehouse')(expr, separator, order_expr, over)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expr, separator, order_expr, over=none) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ order_expr }})
    {%- if over %} over ({{ over }}){% endif %}
{%- endmacro %}

{#- Spark's aggregates take no ORDER BY: collect (key, value) pairs, sort, join. -#}
{% macro spark__ordered_string_agg(expr, separator, order_expr, over=none) -%}
    array_join(transform(
        array_sort(collect_list(struct({{ order_expr }} as k, {{ expr }} as v))
        {%- if over %} over ({{ over }}){% endif %}),
        x -> x.v
    ), {{ separator }})
{%- endmacro %}

{#- The values of `expr` as a list (an aggregate). -#}
{% macro list_agg(expr) -%}
    {{ return(adapter.dispatch('list_agg', 'cx_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__list_agg(expr) -%}
    list({{ expr }})
{%- endmacro %}

{% macro spark__list_agg(expr) -%}
    collect_list({{ expr }})
{%- endmacro %}
