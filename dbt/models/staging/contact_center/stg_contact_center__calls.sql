-- One row per delivered surveyed call. The caller's number is never loaded; keypad 9
-- (skipped) arrives as NULL and is re-checked here. A plain rename/cast view, no dedup
-- (the incremental facts keep the later delivery after their _loaded_at filter).
with

source as (

    select * from {{ source('raw', 'contact_center') }}

),

renamed as (

    select
        -- ids
        md5(_source || ':' || call_id) as response_key,
        cast(call_id as {{ dbt.type_string() }}) as call_id,
        upper(trim(queue)) as queue,
        cast(service_id as {{ dbt.type_string() }}) as service_id,

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

    from source

)

select * from renamed
