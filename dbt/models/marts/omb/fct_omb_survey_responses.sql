{{ config(materialized='view', contract={'enforced': true}) }}

-- One row per response with the keys OMB's collection tool splits uploads by.
-- A view: the export reads one quarter of it, so nothing is copied at build time.

with responses as (
    -- suspect responses (screening) are not submitted; the manifest counts them
    select * from {{ ref('fct_response') }}
    where not is_suspect
),

channels as (
    select * from {{ ref('dim_channel') }}
)

select
    responses.response_key,
    responses.service_id,
    cast(responses.fiscal_year as integer) as fiscal_year,
    cast(responses.fiscal_quarter as integer) as fiscal_quarter,
    responses.channel,
    channels.touchpoints_channel,
    -- Feedback given at a journey stage of a known case rates the journey so far;
    -- everything else rates the single interaction it followed. Nothing in the
    -- sources is a relational (periodic, not event-triggered) survey yet.
    case
        when
            responses.case_id is not null
            and responses.journey_stage_key is not null
            then 'post_service_journey'
        else 'post_interaction'
    end as transaction_point,
    responses.survey_type,
    responses.touchpoint,
    responses.comment,
    responses._loaded_at
from responses
left join channels on responses.channel = channels.channel
