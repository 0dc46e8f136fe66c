-- One row per answered A-11 driver question per response (the transaction level of
-- METRICS.md). Incremental on _loaded_at: delete+insert on response_key, so a
-- re-delivered response replaces all of its earlier answers. The post-hook also drops
-- the answers of a response re-delivered with no valid answer left (nothing to insert
-- for its key, so delete+insert alone would keep the stale ones): answers whose load
-- time is not their response's current one.
-- Written in load order, not sorted by service x quarter as fct_response is: the
-- dashboard reads its answer counts from agg_answer_distribution, and what reads this
-- table filters by quarter (the OMB export, the comments' driver filter) or by load
-- time (the incremental marts). Load order keeps both together: deliveries arrive in
-- time order, and a batch's rows land at the end. The sort cost ~32 s of a 10M build.
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key='response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "{{ record_incremental_batch() }}",
            "{{ record_replaced_answer_values() }}",
            "{{ record_replaced_key_driver_pairs() }}",
        ],
        post_hook=[
            "{% if builds_incrementally() %}
            delete from {{ this }}
            where exists (
                select 1 from {{ ref('int_responses_unioned') }} as responses
                where responses._loaded_at > {{ incremental_batch_since(this.identifier) }}
                    and responses.response_key = {{ this }}.response_key
                    and responses._loaded_at != {{ this }}._loaded_at
            )
            {% endif %}",
        ],
    )
}}

select
    response_key,
    service_id,
    agency_code,
    channel,
    touchpoint,
    survey_type,
    case_id,
    journey_id,
    journey_stage_key,
    customer_key,
    submitted_at,
    fiscal_year,
    fiscal_quarter,
    driver,
    scale,
    answer_value,
    is_positive,
    is_negative,
    _source,
    _source_file,
    _row_number,
    _loaded_at
from {{ ref('int_answers_unpivoted') }}
{{ incremental_cursor_filter() }}
