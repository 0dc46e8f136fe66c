-- One row per response from every source. Incremental: only responses loaded since the
-- last build are (re)computed; a re-delivered record comes back from raw with a new
-- _loaded_at and replaces its earlier row (delete+insert on response_key). Its answer
-- count comes from fct_transaction_feedback (built first, from the same batch), its
-- comment sentiment from the batch's comments only.
-- The view int_responses_comment_sentiment shares the sentiment macro (its unit test pins it):
-- depends_on: {{ ref('int_responses_comment_sentiment') }}
{{
    config(
        materialized='incremental',
        unique_key='response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "{{ record_incremental_batch() }}",
            "{{ record_replaced_responses() }}",
        ],
    )
}}

with

responses as (

    select * from {{ ref('int_responses_unioned') }}
    {{ incremental_cursor_filter() }}

),

answer_counts as (

    select
        response_key,
        count(*) as n_answers,
        sum(case when is_positive then 1 else 0 end) as n_positive,
        -- a response answers trust at most once (unique response x driver)
        max(case when driver = 'trust' then cast(is_positive as integer) end) as trust_positive
    from {{ ref('fct_transaction_feedback') }}
    {{ incremental_cursor_filter() }}
    group by response_key

),

-- sentiment of the batch's comments only (macros/comment_sentiment.sql)
{{ comment_sentiment_ctes('responses') }}

select
    responses.response_key,
    responses.source,
    responses.source_record_id,
    responses.service_id,
    responses.agency_code,
    responses.channel,
    responses.touchpoint,
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
    responses.comment,
    sentiment.comment_sentiment,
    responses._source_file,
    responses._row_number,
    responses._loaded_at
from responses
left join answer_counts on responses.response_key = answer_counts.response_key
left join sentiment_scores as sentiment on responses.response_key = sentiment.response_key
{{ service_quarter_order('responses.') }}
