-- One row per surveyed call (latest delivery of each call_id). The caller's number is
-- never loaded; keypad 9 (skipped) arrives as NULL and is re-checked here.
with

source as (

    select * from {{ source('raw', 'contact_center') }}

),

ranked as (

    select
        *,
        {{ later_delivery_rank(['call_id']) }} as delivery_rank
    from source

),

renamed as (

    select
        -- ids
        md5(_source || ':' || call_id) as response_key,
        cast(call_id as varchar) as call_id,
        upper(trim(queue)) as queue,
        cast(service_id as varchar) as service_id,

        -- keypad answers, Q1..Q5 as the survey asks them
        {%- for q, driver in [('q1', 'satisfaction'), ('q2', 'ease'), ('q3', 'efficiency'),
                              ('q4', 'employee'), ('q5', 'trust')] %}
            cast(nullif({{ q }}, 9) as integer) as {{ driver }},
        {%- endfor %}

        nullif(trim(agent_note), '') as agent_note,

        -- timestamps
        call_start as call_started_at,

        -- lineage
        _source,
        _source_file,
        _file_sha256,
        _row_number,
        _delivered_at,
        _loaded_at

    from ranked
    where delivery_rank = 1

)

select * from renamed
