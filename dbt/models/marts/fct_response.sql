-- One row per response from every source. Incremental: only responses loaded since the
-- last build are (re)computed; a re-delivered record comes back from raw with a new
-- _loaded_at and replaces its earlier row (delete+insert on response_key).
-- The view int_responses_comment_sentiment shares the sentiment macro (its unit test pins it):
-- depends_on: {{ ref('int_responses_comment_sentiment') }}
{{
    config(
        materialized='incremental',
        unique_key='response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_incremental_batch() }}",
    )
}}

-- The batch first (the cursor filter reaches the raw scans), then later delivery wins
-- within it (later_delivery_rank over the batch only); delete+insert on response_key
-- replaces the earlier versions of the batch's records. On a full build the batch is
-- all of raw.
with

responses as (

    {{ latest_responses_in_batch(ref('int_responses_unioned')) }}

),

-- answers of the winning delivery only (same raw row: file, row, delivery time)
answer_counts as (

    select
        response_key,
        _source_file,
        _row_number,
        _delivered_at,
        count(*) as n_answers
    from {{ ref('int_answers_unpivoted') }}
    {{ incremental_cursor_filter() }}
    group by response_key, _source_file, _row_number, _delivered_at

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
    responses.comment,
    sentiment.comment_sentiment,
    responses._source_file,
    responses._row_number,
    responses._loaded_at
from responses
left join answer_counts
    on
        responses.response_key = answer_counts.response_key
        and responses._source_file = answer_counts._source_file
        and responses._row_number = answer_counts._row_number
        and responses._delivered_at = answer_counts._delivered_at
left join sentiment_scores as sentiment on responses.response_key = sentiment.response_key
