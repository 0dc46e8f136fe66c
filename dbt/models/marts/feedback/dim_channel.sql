-- One row per channel (seed channels), plus the `all` member that the quarterly
-- aggregates use for their every-channel rows, so they can join here too.
with

channels as (

    select
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(channel_label as {{ dbt.type_string() }}) as channel_label,
        cast(touchpoints_channel as {{ dbt.type_string() }}) as touchpoints_channel,
        cast(channel_order as integer) as channel_order,
        false as is_all_channels
    from {{ ref('channels') }}

),

all_channels as (

    select
        'all' as channel,
        'All channels' as channel_label,
        cast(null as {{ dbt.type_string() }}) as touchpoints_channel,
        0 as channel_order,
        true as is_all_channels

)

select * from channels
union all
select * from all_channels
