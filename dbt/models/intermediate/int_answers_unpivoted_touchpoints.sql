-- Touchpoints submissions in long form: one row per answered driver, before the
-- positive/negative rules (int_answers_unpivoted applies them).
--   legacy a11: seven 1-5 columns;   v2: answer_01 = trust (thumbs 0/1 in a11_v2,
--   1-5 in a11_v2_radio); answer_02 / answer_03 = drivers that went well (1) / not (0).
-- Blank means not answered: no row. A driver ticked in both lists contradicts itself
-- and is not counted either way. One scan of the submissions, crossed with the list of
-- questions (a portable unpivot), rather than one union branch per question.
with

submissions as (

    select * from {{ ref('stg_touchpoints__submissions') }}

),

questions as (
    {%- for driver in legacy_a11_drivers() %}
        select
            '{{ driver }}' as driver,
            'legacy' as question_kind
        union all
    {%- endfor %}
    select
        'trust' as driver,
        'v2_trust' as question_kind
    {%- for driver in indicator_drivers() %}
        union all
        select
            '{{ driver }}' as driver,
            'v2_indicator' as question_kind
    {%- endfor %}
),

answers as (

    select
        submissions.response_key,
        questions.driver,
        case
            when questions.question_kind = 'legacy' then 'likert5'
            when questions.question_kind = 'v2_indicator' then 'indicator'
            when submissions.form_kind = 'a11_v2' then 'thumbs'
            else 'likert5'
        end as scale,
        case
            when questions.question_kind = 'legacy'
                then case questions.driver
                    {%- for driver in legacy_a11_drivers() %}
                        when '{{ driver }}' then submissions.{{ driver }}
                    {%- endfor %}
                end
            when questions.question_kind = 'v2_trust' then submissions.answer_01
            {%- for driver in indicator_drivers() %}
                when
                    questions.driver = '{{ driver }}'
                    and coalesce({{ list_contains('submissions.answer_02', driver) }}, false)
                    != coalesce({{ list_contains('submissions.answer_03', driver) }}, false)
                    then
                        case
                            when {{ list_contains('submissions.answer_02', driver) }} then 1 else 0
                        end
            {%- endfor %}
        end as answer_value,
        submissions._source,
        submissions._source_file,
        submissions._row_number,
        submissions._delivered_at,
        submissions._loaded_at
    from submissions
    inner join questions
        on (questions.question_kind = 'legacy') = (submissions.form_kind = 'a11')

)

select * from answers
where answer_value is not null
