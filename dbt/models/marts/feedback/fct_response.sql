-- One row per response from every source. Incremental: only responses loaded since the
-- last build are (re)computed; a re-delivered record comes back from raw with a new
-- _loaded_at and replaces its earlier row (delete+insert on response_key). Its answer
-- count comes from fct_transaction_feedback (built first, from the same batch), its
-- comment sentiment from the batch's comments only. Rows are inserted unflagged; the
-- post-hook screens what the batch touched (macros/screening.sql, seed screening_rules)
-- and sets is_suspect / suspect_rule / suspect_reason.
-- The view int_responses_comment_sentiment shares the sentiment macro (its unit test pins it):
-- depends_on: {{ ref('int_responses_comment_sentiment') }}
-- The screening rules (post-hook here, the select on a full rebuild like Spark's):
-- depends_on: {{ ref('services') }}, {{ ref('screening_rules') }}
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key='response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "{{ record_incremental_batch() }}",
            "{{ record_replaced_responses() }}",
        ],
        post_hook=["{{ screen_responses() }}"],
    )
}}

{%- set answer_pair =
    "answers.driver || '=' || coalesce(cast(answers.answer_value as "
    ~ dbt.type_string() ~ "), '')" %}


with

-- read more than once (the responses, their comments' sentiment): inlined, not copied
-- first (macros/inline_cte.sql; 36.1 s -> 24.0 s for this select at 10M)
responses as {{ inline_cte() }} (

    select * from {{ ref('int_responses_unioned') }}
    {{ incremental_cursor_filter() }}

),

answer_counts as (

    select
        answers.response_key,
        count(*) as n_answers,
        sum(case when answers.is_positive then 1 else 0 end) as n_positive,
        -- a response answers trust at most once (unique response x driver)
        max(case when answers.driver = 'trust' then cast(answers.is_positive as integer) end)
            as trust_positive,
        -- the set of (driver, value) pairs, whatever their order
        {{ unordered_hash_agg(answer_pair) }} as answers_hash,
        -- one bit per answered driver (macro driver_bit, dim_driver.driver_bit); a
        -- response answers a driver at most once, so the sum sets each bit once
        sum({{ driver_bit('drivers.driver_order') }}) as answered_drivers
    from {{ ref('fct_transaction_feedback') }} as answers
    left join {{ ref('a11_questions') }} as drivers on answers.driver = drivers.driver
    {{ incremental_cursor_filter('answers._loaded_at') }}
    group by answers.response_key

),

-- sentiment of the batch's comments only (macros/comment_sentiment.sql)
{{ comment_sentiment_ctes('responses') }},

unscreened as (

    select
        responses.response_key,
        responses.source,
        responses.source_record_id,
        responses.service_id,
        responses.agency_code,
        responses.channel,
        responses.touchpoint,
        responses.page,
        responses.survey_type,
        responses.case_id,
        responses.journey_id,
        responses.journey_stage_key,
        responses.customer_key,
        responses.is_anonymous,
        responses.submitted_at,
        responses.fiscal_year,
        responses.fiscal_quarter,
        cast(coalesce(answer_counts.n_answers, 0) as integer) as n_answers,
        cast(coalesce(answer_counts.n_positive, 0) as integer) as n_positive,
        cast(answer_counts.trust_positive = 1 as boolean) as trust_is_positive,
        cast(coalesce(answer_counts.answered_drivers, 0) as integer) as answered_drivers,
        responses.comment,
        sentiment.comment_sentiment,
        -- answers and comment as one value, for the duplicate-answers screening rule
        md5(
            coalesce(cast(answer_counts.answers_hash as {{ dbt.type_string() }}), '') || '|'
            || coalesce(responses.comment, '')
        ) as answers_signature,
        false as is_suspect,
        cast(null as {{ dbt.type_string() }}) as suspect_rule,
        cast(null as {{ dbt.type_string() }}) as suspect_reason,
        responses._source_file,
        responses._row_number,
        responses._loaded_at
    from responses
    left join answer_counts on responses.response_key = answer_counts.response_key
    left join sentiment_scores as sentiment on responses.response_key = sentiment.response_key

){%- if not builds_incrementally() %},

-- a full rebuild on every build (Spark): screened here, with no update afterwards
screening as (

    {{ screening_flags('unscreened') }}

){%- endif %}

select
    unscreened.response_key,
    unscreened.source,
    unscreened.source_record_id,
    unscreened.service_id,
    unscreened.agency_code,
    unscreened.channel,
    unscreened.touchpoint,
    unscreened.page,
    unscreened.survey_type,
    unscreened.case_id,
    unscreened.journey_id,
    unscreened.journey_stage_key,
    unscreened.customer_key,
    unscreened.is_anonymous,
    unscreened.submitted_at,
    unscreened.fiscal_year,
    unscreened.fiscal_quarter,
    unscreened.n_answers,
    unscreened.n_positive,
    unscreened.trust_is_positive,
    unscreened.answered_drivers,
    unscreened.comment,
    unscreened.comment_sentiment,
    unscreened.answers_signature,
    {%- if builds_incrementally() %}
        unscreened.is_suspect,
        unscreened.suspect_rule,
        unscreened.suspect_reason,
    {%- else %}
        screening.response_key is not null as is_suspect,
        screening.suspect_rule,
        screening.suspect_reason,
    {%- endif %}
    unscreened._source_file,
    unscreened._row_number,
    unscreened._loaded_at
from unscreened
{%- if not builds_incrementally() %}
left join screening on unscreened.response_key = screening.response_key
{%- endif %}
{{ service_quarter_order('unscreened.') }}
