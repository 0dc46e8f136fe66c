{{ config(materialized='view', contract={'enforced': true}) }}

-- One row per service x fiscal quarter x channel x transaction point x survey type:
-- a Touchpoints "CX collection detail", each with its own cx_responses upload.

with surveys as (
    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        touchpoints_channel,
        transaction_point,
        survey_type,
        count(*) as volume_of_respondents
    from {{ ref('fct_omb_survey_responses') }}
    group by all
),

-- Agencies report volumes per service x quarter x channel, not per survey: every
-- survey on a channel carries the channel's volumes.
volumes as (
    select * from {{ ref('agg_response_rates') }}
    where channel != 'all'
),

trust_question as (
    select question_text from {{ ref('dim_driver') }}
    where driver = 'trust'
)

select
    surveys.service_id,
    surveys.fiscal_year,
    surveys.fiscal_quarter,
    surveys.channel,
    surveys.touchpoints_channel,
    surveys.transaction_point,
    surveys.survey_type,
    cast(volumes.volume_of_customers as bigint) as volume_of_customers,
    cast(volumes.volume_offered_survey as bigint)
        as volume_of_customers_provided_survey_opportunity,
    cast(surveys.volume_of_respondents as bigint) as volume_of_respondents,
    trust_question.question_text as trust_question_text,
    surveys.service_id || '__' || surveys.touchpoints_channel || '__'
    || surveys.transaction_point || '__' || surveys.survey_type
        as responses_file_stem
from surveys
left join volumes
    on
        surveys.service_id = volumes.service_id
        and surveys.fiscal_year = volumes.fiscal_year
        and surveys.fiscal_quarter = volumes.fiscal_quarter
        and surveys.channel = volumes.channel
cross join trust_question
