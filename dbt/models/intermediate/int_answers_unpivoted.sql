-- Every answered driver question of every response, long form, with the response's
-- attributes and the A-11 rules: each delivered value read through the seed
-- answer_encodings; likert5 positive 4-5 / negative 1-2 (3 is neither), thumbs up /
-- down, indicator ticked as went well (1) / didn't go well (0). N/A, blank and skipped
-- answers never become a row, so they stay out of every denominator.
-- The unnest is in the select list: DuckDB pushes the facts' _loaded_at filter below
-- it, into the raw scans.
with

unnested as (

    select
        response_key,
        source,
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
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at,
        {{ select_unnest_with_position('answers', 'answer', 'answer_position') }}
    from {{ ref('int_responses_unioned') }}

),

-- How each delivered value reads (seed answer_encodings, the loaders' list too): the
-- answer it stands for on its scale, or (scale '*') not an answer at all.
encodings as (

    select
        scale,
        coalesce(raw_value, '') as raw_value,
        answer_value
    from {{ ref('answer_encodings') }}

),

delivered as (

    select
        *,
        answer.driver as driver,  -- noqa: RF01, RF03, AL09
        answer.scale as scale,  -- noqa: RF01, AL09
        lower(trim(answer.value)) as delivered_value  -- noqa: RF01
    from unnested
    -- a NULL value (a legacy question left empty) is no answer
    where answer.value is not null  -- noqa: RF01

),

valued as (

    select
        delivered.*,
        encodings.answer_value
    from delivered
    left join encodings
        on
            delivered.scale = encodings.scale
            and delivered.delivered_value = encodings.raw_value
    where delivered.delivered_value not in (
        select not_answered.raw_value from encodings as not_answered
        where not_answered.scale = '*'
    )

),

final as (

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
        cast(answer_value as integer) as answer_value,
        {{ is_positive_answer('scale', 'answer_value') }} as is_positive,
        {{ is_negative_answer('scale', 'answer_value') }} as is_negative,
        source as _source,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from valued
    -- out-of-scale values are quarantined by the loaders; never count them here
    where
        (scale = 'likert5' and answer_value between 1 and 5)
        or (scale in ('thumbs', 'indicator') and answer_value in (0, 1))

)

select * from final
