-- Response rate per service x fiscal quarter x channel (and 'all'): responses received
-- / customers offered a survey, as agencies report the volumes to OMB. NULL where
-- nothing was offered (or no volume was reported).
with

responses as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        coalesce(channel, 'all') as channel,  -- channel is never NULL in the fact
        count(*) as n_responses
    from {{ ref('fct_response') }}
    where not is_suspect  -- suspect responses (screening) are not respondents
    -- rollup (channel): each channel, then the 'all' row over every channel
    group by service_id, fiscal_year, fiscal_quarter, rollup(channel)

),

volumes as (

    select * from {{ ref('stg_service_volumes__quarterly_volumes') }}

),

volumes_by_channel as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        channel,
        volume_of_customers,
        volume_offered_survey
    from volumes
    where channel != 'all'

),

-- an agency may report its own total; otherwise the total is the sum of its channels
volumes_all as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        'all' as channel,
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

offered as (

    select * from volumes_by_channel
    union all
    select * from volumes_all

)

select
    coalesce(responses.service_id, offered.service_id) as service_id,
    cast(coalesce(responses.fiscal_year, offered.fiscal_year) as integer) as fiscal_year,
    cast(coalesce(responses.fiscal_quarter, offered.fiscal_quarter) as integer) as fiscal_quarter,
    coalesce(responses.channel, offered.channel) as channel,
    cast(coalesce(responses.n_responses, 0) as bigint) as n_responses,
    cast(offered.volume_of_customers as bigint) as volume_of_customers,
    cast(offered.volume_offered_survey as bigint) as volume_offered_survey,
    case
        when offered.volume_offered_survey > 0
            then
                cast(coalesce(responses.n_responses, 0) as double)
                / offered.volume_offered_survey
    end as response_rate
from responses
full outer join offered
    on
        responses.service_id = offered.service_id
        and responses.fiscal_year = offered.fiscal_year
        and responses.fiscal_quarter = offered.fiscal_quarter
        and responses.channel = offered.channel
