-- One row per case-management stage event (raw holds the latest delivery of each
-- case_id × stage_key × event). Cases link journey stages to feedback.
with

source as (

    select * from {{ source('raw', 'case_events') }}

),

renamed as (

    select
        -- ids
        cast(trim(case_id) as {{ dbt.type_string() }}) as case_id,
        cast(lower(trim(journey_id)) as {{ dbt.type_string() }}) as journey_id,
        customer_key,
        cast(lower(trim(stage_key)) as {{ dbt.type_string() }}) as stage_key,

        -- event
        cast(lower(trim(event)) as {{ dbt.type_string() }}) as event,  -- noqa: RF04
        event_at,

        -- lineage
        _source,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at

    from source

)

select * from renamed
