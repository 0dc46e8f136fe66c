-- One row per answer a scale can take (seed answer_encodings): the label the dashboard
-- shows for it (the meaning on the row whose raw value is the answer value itself) and
-- whether it counts as positive or negative (macros/answers.sql, as in the facts).
with answers as (
    select
        cast(scale as {{ dbt.type_string() }}) as scale,
        cast(answer_value as integer) as answer_value,
        max(case when raw_value = cast(answer_value as {{ dbt.type_string() }}) then meaning end)
            as answer_label
    from {{ ref('answer_encodings') }}
    where scale != '*'
    group by scale, answer_value
)

select
    scale,
    answer_value,
    cast(answer_label as {{ dbt.type_string() }}) as answer_label,
    {{ is_positive_answer('scale', 'answer_value') }} as is_positive,
    {{ is_negative_answer('scale', 'answer_value') }} as is_negative
from answers
