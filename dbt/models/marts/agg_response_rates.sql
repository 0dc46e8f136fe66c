-- Response rate per service x fiscal quarter x channel (and 'all'): responses received
-- / customers offered a survey, as agencies report the volumes to OMB. NULL where
-- nothing was offered (or no volume was reported).
with

responses as (

    select service_id, fiscal_year, fiscal_quarter, channel, count(*) as n_responses
    from {{ ref('fct_response') }}
    group by service_id, fiscal_year, fiscal_quarter, channel

),

responses_all as (

    select service_id, fiscal_year, fiscal_quarter, 'all' as channel,
        sum(n_responses) as n_responses
    from responses
    group by service_id, fiscal_year, fiscal_quarter

),

volumes as (

    select * from {{ ref('stg_service_volumes__quarterly_volumes') }}

),

volumes_by_channel as (

    select service_id, fiscal_year, fiscal_quarter, channel,
        volume_of_customers, volume_offered_survey
    from volumes
    where channel != 'all'

),

-- an agency may report its own total; otherwise the total is the sum of its channels
volumes_all as (

    select
        service_id, fiscal_year, fiscal_quarter, 'all' as channel,
        coalesce(
            max(case when channel = 'all' then volume_of_customers end),
            sum(case when channel != 'all' then volume_of_customers end)
        ) as volume_of_customers,
        coalesce(
            max(case when channel = 'all' then volume_offered_survey end),
            sum(case when channel != 'all' then volume_offered_survey end)
        ) as volume_offered_survey
    from volumes
    group by service_id, fiscal_year, fiscal_quarter

),

counted as (

    select * from responses
    union all
    select * from responses_all

),

offered as (

    select * from volumes_by_channel
    union all
    select * from volumes_all

)

select
    coalesce(counted.service_id, offered.service_id) as service_id,
    cast(coalesce(counted.fiscal_year, offered.fiscal_year) as integer) as fiscal_year,
    cast(coalesce(counted.fiscal_quarter, offered.fiscal_quarter) as integer) as fiscal_quarter,
    coalesce(counted.channel, offered.channel) as channel,
    cast(coalesce(counted.n_responses, 0) as bigint) as n_responses,
    cast(offered.volume_of_customers as bigint) as volume_of_customers,
    cast(offered.volume_offered_survey as bigint) as volume_offered_survey,
    cast(
        case
            when offered.volume_offered_survey > 0
                then cast(coalesce(counted.n_responses, 0) as double) / offered.volume_offered_survey
        end as double
    ) as response_rate
from counted
full outer join offered
    on counted.service_id = offered.service_id
    and counted.fiscal_year = offered.fiscal_year
    and counted.fiscal_quarter = offered.fiscal_quarter
    and counted.channel = offered.channel
