-- One row per response from the three feedback sources, in one shape, with the
-- service's agency, the journey (when the stage belongs to the service's journey) and
-- the fiscal period of the UTC date.
with

touchpoints as (

    select
        response_key,
        _source as source,
        source_record_id,
        service_id,
        channel,
        'touchpoints/' || form_id as touchpoint,
        -- a11_v2 asks trust as thumbs; the legacy and radio forms ask 1-5.
        case when form_kind = 'a11_v2' then 'thumbs_up_down' else 'likert_scale' end
            as survey_type,
        cast(null as varchar) as case_id,
        stage_key,
        cast(null as varchar) as customer_key,  -- Touchpoints submissions are anonymous
        submitted_at,
        comment,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from {{ ref('stg_touchpoints__submissions') }}

),

-- per delivered raw row (a record delivered twice has two); grouped and joined on the
-- load time too, so that a filter on _loaded_at (the incremental facts') reaches the
-- raw scan of both sides
agency_api_scales as (

    select
        response_key,
        _loaded_at,
        _source_file,
        _row_number,
        max(case when scale = 'thumbs' then 1 else 0 end) as has_thumbs
    from {{ ref('stg_agency_api__answers') }}
    group by response_key, _loaded_at, _source_file, _row_number

),

agency_api as (

    select
        responses.response_key,
        responses._source as source,
        responses.response_id as source_record_id,
        responses.service_id,
        responses.channel,
        'agency_api' as touchpoint,
        case when agency_api_scales.has_thumbs = 1 then 'thumbs_up_down' else 'likert_scale' end
            as survey_type,
        responses.case_id,
        responses.stage_key,
        responses.customer_key,
        responses.submitted_at,
        responses.comment,
        responses._source_file,
        responses._row_number,
        responses._delivered_at,
        responses._loaded_at
    from {{ ref('stg_agency_api__responses') }} as responses
    left join agency_api_scales
        on
            responses.response_key = agency_api_scales.response_key
            and responses._loaded_at = agency_api_scales._loaded_at
            and responses._source_file = agency_api_scales._source_file
            and responses._row_number = agency_api_scales._row_number

),

contact_center as (

    select
        response_key,
        _source as source,
        call_id as source_record_id,
        service_id,
        'phone' as channel,
        'contact_center/' || queue as touchpoint,
        'likert_scale' as survey_type,
        cast(null as varchar) as case_id,
        cast(null as varchar) as stage_key,
        cast(null as varchar) as customer_key,  -- the caller's number is never kept
        call_started_at as submitted_at,
        agent_note as comment,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from {{ ref('stg_contact_center__calls') }}

),

unioned as (

    select * from touchpoints
    union all
    select * from agency_api
    union all
    select * from contact_center

),

enriched as (

    select
        unioned.response_key,
        unioned.source,
        unioned.source_record_id,
        unioned.service_id,
        services.agency_code,
        unioned.channel,
        unioned.touchpoint,
        unioned.survey_type,
        unioned.case_id,
        -- a stage links to a journey only when it is a stage of the service's journey
        journey_stages.journey_id,
        journey_stages.stage_key as journey_stage_key,
        unioned.stage_key as stage_key_delivered,
        unioned.customer_key,
        unioned.customer_key is null as is_anonymous,
        unioned.submitted_at,
        cast({{ fiscal_year('unioned.submitted_at') }} as integer) as fiscal_year,
        cast({{ fiscal_quarter('unioned.submitted_at') }} as integer) as fiscal_quarter,
        unioned.comment,
        unioned._source_file,
        unioned._row_number,
        unioned._delivered_at,
        unioned._loaded_at
    from unioned
    left join {{ ref('services') }} as services on unioned.service_id = services.service_id
    left join {{ ref('journey_stages') }} as journey_stages
        on
            services.journey_id = journey_stages.journey_id
            and unioned.stage_key = journey_stages.stage_key

)

select * from enriched
