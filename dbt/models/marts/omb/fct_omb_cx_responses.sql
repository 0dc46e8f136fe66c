{{ config(materialized='view', contract={'enforced': true}) }}

-- One row per response in the shape of Touchpoints' cx_responses upload.
-- question_1 is the trust answer; positive_/negative_<driver> follow the A-11 rules
-- already applied in fct_transaction_feedback (is_positive / is_negative: Likert
-- 4-5 / 1-2 and 3 neither, thumbs up / down, ticked "went well" / "didn't go well").
-- NULL means the survey did not ask the question (see the YAML for the rule).

{% set drivers = ['effectiveness', 'ease', 'efficiency', 'transparency',
                  'humanity', 'employee', 'other'] %}

with responses as (
    select * from {{ ref('fct_omb_survey_responses') }}
),

answers as (
    select
        response_key,
        touchpoint,
        survey_type,
        driver,
        scale,
        answer_value,
        is_positive,
        is_negative,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_quarter as integer) as fiscal_quarter,
        _loaded_at
    from {{ ref('fct_transaction_feedback') }}
),

-- The fiscal period and the load time are grouping keys (both are fixed per response:
-- a response's answers carry its load, fct_transaction_feedback's post-hook sees to
-- it) and join keys below, so that the export's filter on one quarter and the rules
-- test's filter on the latest batch are pushed below these aggregates (at 10M the
-- test read every answer: 2.6 s, against 0.65 s for the batch's).
per_response as (
    select
        {%- for d in drivers %}
            max(case when driver = '{{ d }}' then cast(is_positive as integer) end)
                as positive_{{ d }},
            max(case when driver = '{{ d }}' then cast(is_negative as integer) end)
                as negative_{{ d }},
        {%- endfor %}
        max(case when driver = 'trust' then answer_value end) as trust_answer,
        response_key,
        fiscal_year,
        fiscal_quarter,
        _loaded_at
    from answers
    group by response_key, fiscal_year, fiscal_quarter, _loaded_at
),

-- A survey instrument (touchpoint x survey type) asked a driver in a quarter if
-- any of its responses answered it, or if it is the current A-11 form (indicator
-- answers), which lists every driver as a box to tick. There an unanswered
-- driver is 0/0 (unticked box, skipped item); elsewhere it is NULL (never asked).
asked as (
    select
        {%- for d in drivers %}
            bool_or(driver = '{{ d }}' or scale = 'indicator') as asks_{{ d }},
        {%- endfor %}
        touchpoint,
        survey_type,
        fiscal_year,
        fiscal_quarter
    from answers
    group by touchpoint, survey_type, fiscal_year, fiscal_quarter
)

select
    responses.response_key as external_id,
    responses.service_id,
    responses.fiscal_year,
    responses.fiscal_quarter,
    responses.channel,
    responses.touchpoints_channel,
    responses.transaction_point,
    responses.survey_type,
    cast(per_response.trust_answer as integer) as question_1,
    {%- for sign in ['positive', 'negative'] %}
        {%- for d in drivers %}
            cast(
                case when asked.asks_{{ d }} then coalesce(per_response.{{ sign }}_{{ d }}, 0) end
                as integer
            ) as {{ sign }}_{{ d }},
        {%- endfor %}
    {%- endfor %}
    responses.comment as question_4,
    responses._loaded_at
from responses
left join per_response
    on
        responses.response_key = per_response.response_key
        and responses.fiscal_year = per_response.fiscal_year
        and responses.fiscal_quarter = per_response.fiscal_quarter
        and responses._loaded_at = per_response._loaded_at
left join asked
    on
        responses.touchpoint = asked.touchpoint
        and responses.survey_type = asked.survey_type
        and responses.fiscal_year = asked.fiscal_year
        and responses.fiscal_quarter = asked.fiscal_quarter
