-- The forms' driver lists the models are compiled with (macros/answers.sql: a model's
-- columns must be known when dbt compiles it, before any seed is loaded) are the seed
-- a11_questions' lists: which drivers the legacy Touchpoints form has a 1-5 column for,
-- which the current form lists as tick boxes, and which driver each contact-center
-- keypad question asks. Fails with one row per list that drifted from the seed.
with

questions as (

    select * from {{ ref('a11_questions') }}

),

from_seed as (

    select
        'on_legacy_form' as driver_list,
        {{ ordered_string_agg('driver', "','", 'driver_order') }} as seed_drivers
    from questions
    where on_legacy_form
    union all
    select
        'on_current_form_indicator' as driver_list,
        {{ ordered_string_agg('driver', "','", 'driver_order') }} as seed_drivers
    from questions
    where on_current_form_indicator
    union all
    select
        'keypad_question' as driver_list,
        {{ ordered_string_agg('driver', "','", 'keypad_question') }} as seed_drivers
    from questions
    where keypad_question is not null

),

from_macros as (

    select
        'on_legacy_form' as driver_list,
        '{{ legacy_a11_drivers() | join(",") }}' as macro_drivers
    union all
    select
        'on_current_form_indicator' as driver_list,
        '{{ indicator_drivers() | join(",") }}' as macro_drivers
    union all
    select
        'keypad_question' as driver_list,
        '{{ contact_center_drivers() | join(",") }}' as macro_drivers

)

select
    from_macros.driver_list,
    from_seed.seed_drivers,
    from_macros.macro_drivers
from from_macros
left join from_seed on from_macros.driver_list = from_seed.driver_list
where from_seed.seed_drivers is distinct from from_macros.macro_drivers
