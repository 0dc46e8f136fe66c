-- One row per Touchpoints submission in raw: a plain rename/cast view, so that a filter
-- on _loaded_at reaches the raw scan. Raw holds one version per record (the loader
-- replaces re-deliveries: later delivery wins).
with

source as (

    select * from {{ source('raw', 'touchpoints') }}

),

renamed as (

    select
        -- ids
        md5(_source || ':' || form_id || ':' || submission_id) as response_key,
        form_id || ':' || submission_id as source_record_id,
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(form_id as {{ dbt.type_string() }}) as form_id,
        cast(service_id as {{ dbt.type_string() }}) as service_id,

        -- form and context
        lower(trim(form_kind)) as form_kind,
        lower(trim(channel)) as channel,
        nullif(lower(trim(stage)), '') as stage_key,
        page,
        user_agent,

        -- legacy A-11 form (1-5)
        cast(satisfaction as integer) as satisfaction,
        cast(trust as integer) as trust,
        cast(effectiveness as integer) as effectiveness,
        cast(ease as integer) as ease,
        cast(efficiency as integer) as efficiency,
        cast(transparency as integer) as transparency,
        cast(employee as integer) as employee,

        -- current A-11 form
        cast(answer_01 as integer) as answer_01,
        nullif(trim(answer_02), '') as answer_02,
        nullif(trim(answer_03), '') as answer_03,

        nullif(trim(comment), '') as comment,

        -- timestamps
        created_at as submitted_at,

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
