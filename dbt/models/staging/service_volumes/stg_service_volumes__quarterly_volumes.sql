-- Volumes agencies report to OMB per service x fiscal quarter x channel (raw holds the
-- latest delivery of each: a correction replaced the earlier row at load).
with

source as (

    select * from {{ source('raw', 'service_volumes') }}

),

renamed as (

    select
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_quarter as integer) as fiscal_quarter,
        lower(trim(channel)) as channel,
        cast(volume_of_customers as bigint) as volume_of_customers,
        cast(volume_offered_survey as bigint) as volume_offered_survey,
        _source_file,
        _delivered_at,
        _loaded_at
    from source

)

select * from renamed
