-- One row per A-11 driver (seed a11_questions).
select
    cast(driver as {{ dbt.type_string() }}) as driver,
    cast(driver_label as {{ dbt.type_string() }}) as driver_label,
    cast(driver_order as integer) as driver_order,
    {{ driver_bit('driver_order') }} as driver_bit,
    cast(question_text as {{ dbt.type_string() }}) as question_text,
    cast(scales as {{ dbt.type_string() }}) as scales,
    cast(is_core_a11 as boolean) as is_core_a11
from {{ ref('a11_questions') }}
