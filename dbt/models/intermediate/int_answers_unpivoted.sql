-- Every answered driver question of every response, long form, with the A-11 rules:
-- likert5 positive 4-5 / negative 1-2 (3 is neither), thumbs up / down, indicator
-- ticked as went well (1) / didn't go well (0). N/A, blank and skipped answers never
-- become a row, so they stay out of every denominator.
with

touchpoints as (

    select * from {{ ref('int_answers_unpivoted_touchpoints') }}

),

keypad_questions as (
    {%- for driver in contact_center_drivers() %}
        select '{{ driver }}' as driver{% if not loop.last %}
            union all{% endif %}
    {%- endfor %}
),

-- one scan of the calls crossed with the five keypad questions (a portable unpivot)
contact_center as (

    select
        calls.response_key,
        questions.driver,
        'likert5' as scale,
        case questions.driver
            {%- for driver in contact_center_drivers() %}
                when '{{ driver }}' then calls.{{ driver }}
            {%- endfor %}
        end as answer_value,
        calls._source,
        calls._source_file,
        calls._row_number,
        calls._delivered_at,
        calls._loaded_at
    from {{ ref('stg_contact_center__calls') }} as calls
    cross join keypad_questions as questions

),

agency_api as (

    select
        response_key,
        driver,
        scale,
        {{ answer_value('scale', 'answer_text') }} as answer_value,
        _source,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from {{ ref('stg_agency_api__answers') }}
    where answer_text not in {{ na_answer_values() }}

),

unioned as (

    select * from touchpoints
    union all
    select * from contact_center
    union all
    select * from agency_api

),

final as (

    select
        response_key,
        driver,
        scale,
        cast(answer_value as integer) as answer_value,
        {{ is_positive_answer('scale', 'answer_value') }} as is_positive,
        {{ is_negative_answer('scale', 'answer_value') }} as is_negative,
        _source,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from unioned
    -- out-of-scale values are quarantined by the loaders; never count them here
    where
        (scale = 'likert5' and answer_value between 1 and 5)
        or (scale in ('thumbs', 'indicator') and answer_value in (0, 1))

)

select * from final
