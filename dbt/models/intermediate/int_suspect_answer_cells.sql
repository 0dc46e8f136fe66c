-- The answers of the suspect responses (fct_response.is_suspect, set by screening),
-- counted per cell of the quarterly scores and answer value (int_answers_aggregated's
-- grain). int_answer_counts_screened takes them away from int_answers_aggregated, which
-- counts every answer: a response whose flag changes (a duplicate found later, a burst
-- that grows) moves between the two without the additive counts being touched. Suspect
-- responses are few, so this reads their answers only.
with

suspects as (

    select responses.response_key
    from {{ ref('fct_response') }} as responses
    where responses.is_suspect

)

select
    answers.service_id,
    answers.agency_code,
    answers.fiscal_year,
    answers.fiscal_quarter,
    answers.channel,
    answers.driver,
    answers.scale,
    answers.answer_value,
    {{ answer_cell_counts('answers') }}
from {{ ref('fct_transaction_feedback') }} as answers
where answers.response_key in (select suspects.response_key from suspects)
group by
    answers.service_id,
    answers.agency_code,
    answers.fiscal_year,
    answers.fiscal_quarter,
    answers.channel,
    answers.driver,
    answers.scale,
    answers.answer_value
