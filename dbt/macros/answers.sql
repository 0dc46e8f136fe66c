{#-
    The A-11 answer rules (METRICS.md "Scales and positive"). How a delivered value
    reads (its answer value, or not an answer) is the seed answer_encodings, which
    int_answers_unpivoted joins; the macros here build each form's answers and say
    which answer values are positive.
-#}

{#- The legacy Touchpoints A-11 form's answers of a submission row, as answer_item()s. -#}
{% macro touchpoints_legacy_answers() -%}
    {%- set items = [] -%}
    {%- for driver in legacy_a11_drivers() -%}
        {%- do items.append(answer_item("'" ~ driver ~ "'", "'likert5'", driver)) -%}
    {%- endfor -%}
    {{ return(items) }}
{%- endmacro %}

{#- The comma list of an indicator answer (answer_02 / answer_03) as `,d1,d2,`, lower-case,
    without spaces: a driver is listed when `,<driver>,` occurs in it. -#}
{% macro indicator_list(list_expr) -%}
    (',' || replace(lower(coalesce({{ list_expr }}, '')), ' ', '') || ',')
{%- endmacro %}

{#- The current A-11 form's answers of a submission row: trust (answer_01), then each
    indicator driver ticked under "went well" (1) or "didn't" (0); ticked under both,
    or neither, is no answer. `went_well` / `did_not` hold indicator_list(answer_02/03). -#}
{% macro touchpoints_v2_answers(went_well='went_well', did_not='did_not') -%}
    {%- set items = [answer_item(
        "'trust'", "case when form_kind = 'a11_v2' then 'thumbs' else 'likert5' end", 'answer_01'
    )] -%}
    {%- for driver in indicator_drivers() -%}
        {%- set token = "'," ~ driver ~ ",'" -%}
        {%- set up = string_contains(went_well, token) -%}
        {%- set down = string_contains(did_not, token) -%}
        {%- do items.append(answer_item(
            "'" ~ driver ~ "'", "'indicator'",
            'case when ' ~ up ~ ' != ' ~ down ~ ' then case when ' ~ up ~ " then 1 else 0 end end"
        )) -%}
    {%- endfor -%}
    {{ return(items) }}
{%- endmacro %}
{#- Positive: Likert 4-5, thumbs up, ticked under "what went well". -#}
{% macro is_positive_answer(scale, value) -%}
    (case when {{ scale }} = 'likert5' then {{ value }} >= 4 else {{ value }} = 1 end)
{%- endmacro %}

{#- A driver's bit in a response's set of answered drivers (fct_response.answered_drivers):
    bit driver_order - 1 of seed a11_questions, so satisfaction is 1, trust 2, ease 8.
    dim_driver carries it (driver_bit) for whatever reads the set. -#}
{% macro driver_bit(driver_order) -%}
    cast(power(2, {{ driver_order }} - 1) as integer)
{%- endmacro %}

{#- Negative: Likert 1-2, thumbs down, ticked under "what didn't go well". Likert 3 is neither. -#}
{% macro is_negative_answer(scale, value) -%}
    (case when {{ scale }} = 'likert5' then {{ value }} <= 2 else {{ value }} = 0 end)
{%- endmacro %}

{#-
    Whether `driver_key` is ticked in a comma-separated list such as
    'ease, efficiency'. Membership test instead of split+unnest: portable and cheap.
-#}
{% macro list_contains(list_expr, driver_key) -%}
    (',' || replace(lower({{ list_expr }}), ' ', '') || ',' like '%,{{ driver_key }},%')
{%- endmacro %}

{#- The forms' driver lists below are the seed a11_questions' (on_current_form_indicator,
    on_legacy_form, keypad_question): written out because a model's columns must be known
    when dbt compiles it; the test assert_form_driver_lists_match_seed fails on any drift. -#}

{#- Drivers the current A-11 form lists under "went well" / "didn't go well". -#}
{% macro indicator_drivers() -%}
    {{ return(['effectiveness', 'ease', 'efficiency', 'transparency', 'humanity', 'employee', 'other']) }}
{%- endmacro %}

{#- Drivers of the legacy Touchpoints A-11 form, one 1-5 column each. -#}
{% macro legacy_a11_drivers() -%}
    {{ return(['satisfaction', 'trust', 'effectiveness', 'ease', 'efficiency', 'transparency', 'employee']) }}
{%- endmacro %}

{#- The contact-center keypad questions, renamed to drivers in staging (Q1..Q5). -#}
{% macro contact_center_drivers() -%}
    {{ return(['satisfaction', 'ease', 'efficiency', 'employee', 'trust']) }}
{%- endmacro %}
