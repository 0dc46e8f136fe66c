-- One row per response from the three feedback sources, in one shape, with the
-- service's agency, the journey (when the stage belongs to the service's journey), the
-- fiscal period of the UTC date and the response's answers as one list of
-- {driver, scale, value}. int_answers_unpivoted unnests that list: answers and their
-- response come from the same row, so no join on the response key is needed.
with

submissions as (

    select
        *,
        {{ indicator_list('answer_02') }} as went_well,
        {{ indicator_list('answer_03') }} as did_not
    from {{ ref('stg_touchpoints__submissions') }}

),

touchpoints as (

    select
        response_key,
        _source as source,
        source_record_id,
        service_id,
        channel,
        'touchpoints/' || form_id as touchpoint,
        -- the page the form was on, without its query string or fragment (they can
        -- carry personal data); suspect-response screening counts bursts per page
        nullif(lower(trim(regexp_replace(page, '[?#].*$', ''))), '') as page,
        -- a11_v2 asks trust as thumbs; the legacy and radio forms ask 1-5.
        case when form_kind = 'a11_v2' then 'thumbs_up_down' else 'likert_scale' end
            as survey_type,
        cast(null as {{ dbt.type_string() }}) as case_id,
        stage_key,
        -- Touchpoints submissions are anonymous
        cast(null as {{ dbt.type_string() }}) as customer_key,
        submitted_at,
        comment,
        -- legacy a11: seven 1-5 columns (blank = no answer); v2: answer_01 = trust
        -- (thumbs 0/1 in a11_v2, 1-5 in a11_v2_radio), a driver in answer_02 went well
        -- (1), in answer_03 did not (0); listed in both contradicts itself: no answer.
        case
            when form_kind = 'a11' then {{ array_of(touchpoints_legacy_answers()) }}
            else {{ array_of(touchpoints_v2_answers()) }}
        end as answers,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from submissions

),

-- the lambda inside any_element_has qualifies its own element: RF03 misreads it
-- noqa: disable=RF03
agency_api as (

    select
        response_key,
        _source as source,
        response_id as source_record_id,
        service_id,
        channel,
        'agency_api' as touchpoint,
        cast(null as {{ dbt.type_string() }}) as page,
        case
            when {{ any_element_has('answers', 'scale', "'thumbs'") }} then 'thumbs_up_down'
            else 'likert_scale'
        end as survey_type,
        case_id,
        stage_key,
        customer_key,
        submitted_at,
        comment,
        answers,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from {{ ref('stg_agency_api__responses') }}

),
-- noqa: enable=RF03

contact_center as (

    select
        response_key,
        _source as source,
        call_id as source_record_id,
        service_id,
        'phone' as channel,
        'contact_center/' || queue as touchpoint,
        cast(null as {{ dbt.type_string() }}) as page,
        'likert_scale' as survey_type,
        cast(null as {{ dbt.type_string() }}) as case_id,
        cast(null as {{ dbt.type_string() }}) as stage_key,
        cast(null as {{ dbt.type_string() }}) as customer_key,  -- the caller's number is never kept
        call_started_at as submitted_at,
        agent_note as comment,
        {%- set keypad = [] %}
        {%- for driver in contact_center_drivers() %}
            {%- do keypad.append(answer_item("'" ~ driver ~ "'", "'likert5'", driver)) %}
        {%- endfor %}
        {{ array_of(keypad) }} as answers,
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
        unioned.page,
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
        unioned.answers,
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
