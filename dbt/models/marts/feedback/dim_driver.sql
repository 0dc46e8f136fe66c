-- One row per A-11 driver (seed a11_questions).
select
    cast(driver as varchar) as driver,
    cast(driver_label as varchar) as driver_label,
    cast(driver_order as integer) as driver_order,
    cast(question_text as varchar) as question_text,
    cast(scales as varchar) as scales,
    cast(is_core_a11 as boolean) as is_core_a11
from {{ ref('a11_questions') }}
