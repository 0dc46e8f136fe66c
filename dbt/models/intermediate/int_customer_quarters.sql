-- One row per identified customer × fiscal quarter with at least one response: the
-- quarter's interactions and trust answers, and what is new to the customer that
-- quarter (services, agencies, channels used for the first time). Anonymous
-- responses never enter the relationship level.
with

responses as (

    select
        response_key,
        customer_key,
        service_id,
        agency_code,
        channel,
        submitted_at,
        fiscal_year,
        fiscal_quarter,
        {{ journeys_quarter_index('fiscal_year', 'fiscal_quarter') }} as quarter_index
    from {{ ref('fct_response') }}
    where customer_key is not null

),

trust_answers as (

    select
        response_key,
        count(*) as trust_n,
        sum(case when is_positive then 1 else 0 end) as trust_positive
    from {{ ref('fct_transaction_feedback') }}
    where driver = 'trust' and customer_key is not null
    group by response_key

),

-- "distinct to date" without count(distinct) over a window (not portable): each
-- service / agency counts once, in the quarter the customer first used it
first_uses as (

    select
        customer_key,
        'service' as kind,
        service_id as member,
        min(quarter_index) as quarter_index
    from responses
    group by customer_key, service_id
    union all
    select
        customer_key,
        'agency' as kind,
        agency_code as member,
        min(quarter_index) as quarter_index
    from responses
    group by customer_key, agency_code

),

new_members as (

    select
        customer_key,
        quarter_index,
        sum(case when kind = 'service' then 1 else 0 end) as n_new_services,
        sum(case when kind = 'agency' then 1 else 0 end) as n_new_agencies
    from first_uses
    group by customer_key, quarter_index

),

quarters as (

    select
        responses.customer_key,
        responses.fiscal_year,
        responses.fiscal_quarter,
        responses.quarter_index,
        min(responses.submitted_at) as first_response_at,
        count(*) as n_interactions,
        sum(coalesce(trust_answers.trust_n, 0)) as trust_n,
        sum(coalesce(trust_answers.trust_positive, 0)) as trust_positive
    from responses
    left join trust_answers
        on responses.response_key = trust_answers.response_key
    group by
        responses.customer_key,
        responses.fiscal_year,
        responses.fiscal_quarter,
        responses.quarter_index

),

final as (

    select
        quarters.*,
        coalesce(new_members.n_new_services, 0) as n_new_services,
        coalesce(new_members.n_new_agencies, 0) as n_new_agencies
    from quarters
    left join new_members
        on
            quarters.customer_key = new_members.customer_key
            and quarters.quarter_index = new_members.quarter_index

)

select * from final
