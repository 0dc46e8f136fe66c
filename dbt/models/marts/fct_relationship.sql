-- The customer's relationship with government: one row per identified customer ×
-- fiscal quarter with activity, a cumulative snapshot across services and agencies.
with

quarters as (

    select * from {{ ref('int_customer_quarters') }}

),

cumulative as (

    select
        quarters.*,
        min(quarters.first_response_at) over (
            partition by quarters.customer_key
        ) as first_seen_at,
        min(quarters.quarter_index) over (
            partition by quarters.customer_key
        ) as first_quarter_index,
        sum(quarters.n_interactions) over (
            partition by quarters.customer_key
            order by quarters.quarter_index
            rows between unbounded preceding and current row
        ) as n_interactions_to_date,
        sum(quarters.n_new_services) over (
            partition by quarters.customer_key
            order by quarters.quarter_index
            rows between unbounded preceding and current row
        ) as n_new_services_to_date,
        sum(quarters.n_new_agencies) over (
            partition by quarters.customer_key
            order by quarters.quarter_index
            rows between unbounded preceding and current row
        ) as n_new_agencies_to_date,
        sum(quarters.trust_n) over (
            partition by quarters.customer_key
            order by quarters.quarter_index
            rows between unbounded preceding and current row
        ) as trust_n_to_date,
        sum(quarters.trust_positive) over (
            partition by quarters.customer_key
            order by quarters.quarter_index
            rows between unbounded preceding and current row
        ) as trust_positive_to_date,
        case
            when quarters.trust_n > 0
                then 100.0 * quarters.trust_positive / quarters.trust_n
        end as trust_score
    from quarters

),

final as (

    select
        cumulative.customer_key,
        cast(cumulative.fiscal_year as integer) as fiscal_year,
        cast(cumulative.fiscal_quarter as integer) as fiscal_quarter,
        cumulative.first_seen_at,
        cumulative.quarter_index = cumulative.first_quarter_index as is_new_customer,
        cast({{ dbt.datediff(
            utc_date('cumulative.first_seen_at'),
            journeys_fiscal_quarter_end('cumulative.fiscal_year', 'cumulative.fiscal_quarter'),
            'day') }} as integer) as tenure_days,
        -- quarters elapsed since the first one (0 in the quarter first seen)
        cast(cumulative.quarter_index - cumulative.first_quarter_index as integer)
            as tenure_quarters,
        cast(cumulative.n_interactions as bigint) as n_interactions,
        cast(cumulative.n_interactions_to_date as bigint) as n_interactions_to_date,
        cast(cumulative.n_new_services_to_date as integer) as n_services_to_date,
        cast(cumulative.n_new_agencies_to_date as integer) as n_agencies_to_date,
        channels.channels_used,
        cast(cumulative.trust_n as bigint) as trust_n,
        cast(cumulative.trust_positive as bigint) as trust_positive,
        cast(cumulative.trust_score as double) as trust_score,
        cast(cumulative.trust_n_to_date as bigint) as trust_n_to_date,
        cast(cumulative.trust_positive_to_date as bigint) as trust_positive_to_date,
        cast(case
            when cumulative.trust_n_to_date > 0
                then 100.0 * cumulative.trust_positive_to_date / cumulative.trust_n_to_date
        end as double) as trust_score_to_date,
        -- rows exist only for quarters with activity, so lag() is the previous ACTIVE quarter
        cast(lag(cumulative.trust_score) over (
            partition by cumulative.customer_key order by cumulative.quarter_index
        ) as double) as prev_trust_score,
        cast(cumulative.trust_score - lag(cumulative.trust_score) over (
            partition by cumulative.customer_key order by cumulative.quarter_index
        ) as double) as trust_change
    from cumulative
    inner join {{ ref('int_customer_channels_to_date') }} as channels
        on
            cumulative.customer_key = channels.customer_key
            and cumulative.quarter_index = channels.quarter_index

)

select * from final
