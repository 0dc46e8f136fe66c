-- One row per answered A-11 driver question per response (the transaction level of
-- METRICS.md). Incremental like fct_response: delete+insert on response_key, so a
-- re-delivered response replaces all of its earlier answers. The post-hook also drops
-- answers of a response re-delivered with no valid answer left (nothing to insert for
-- its key, so delete+insert alone would keep the stale ones): fct_response, built
-- first, already holds that response's newer version.
-- depends_on: {{ ref('fct_response') }}
{{
    config(
        materialized='incremental',
        unique_key='response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_incremental_batch() }}",
        post_hook=[
            "delete from {{ this }} where exists (
                select 1 from {{ ref('fct_response') }} as responses
                where responses.response_key = {{ this }}.response_key
                    and responses._loaded_at > {{ this }}._loaded_at
            )",
        ],
    )
}}

-- The batch first (the cursor filter reaches the raw scans), then later delivery wins
-- within it: the answers of each record's latest delivery in the batch (same raw row as
-- the winning response); delete+insert on response_key replaces earlier versions.
with

answers as (

    select * from {{ ref('int_answers_unpivoted') }}
    {{ incremental_cursor_filter() }}

),

responses as (

    {{ latest_responses_in_batch(ref('int_responses_unioned')) }}

)

select
    answers.response_key,
    responses.service_id,
    responses.agency_code,
    responses.channel,
    responses.touchpoint,
    responses.survey_type,
    responses.case_id,
    responses.journey_id,
    responses.journey_stage_key,
    responses.customer_key,
    responses.submitted_at,
    responses.fiscal_year,
    responses.fiscal_quarter,
    answers.driver,
    answers.scale,
    answers.answer_value,
    answers.is_positive,
    answers.is_negative,
    answers._source,
    answers._source_file,
    answers._row_number,
    answers._loaded_at
from answers
inner join responses
    on
        answers.response_key = responses.response_key
        and answers._source_file = responses._source_file
        and answers._row_number = responses._row_number
        and answers._delivered_at = responses._delivered_at
