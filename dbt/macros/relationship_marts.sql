{#-
    The relationship mart's logic, once: the intermediate views call these macros on
    every response (their unit tests pin them), and fct_relationship calls them on the
    customers a batch touched only (incremental by customer).
-#}

{#- One row per identified customer × fiscal quarter with at least one response: the
    quarter's interactions and trust answers, and what is new to the customer that
    quarter (services, agencies, channels used for the first time). Anonymous
    responses never enter the relationship level. -#}
{% macro customer_quarters(responses) -%}
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
        trust_is_positive,
        _loaded_at,
        {{ fiscal_quarter_index('fiscal_year', 'fiscal_quarter') }} as quarter_index
    from {{ responses }}
    -- suspect responses (screening) are left out; a NULL flag (a unit test's row) is not suspect
    where customer_key is not null and not coalesce(is_suspect, false)

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
        sum(case when responses.trust_is_positive is not null then 1 else 0 end) as trust_n,
        sum(case when responses.trust_is_positive then 1 else 0 end) as trust_positive,
        max(responses._loaded_at) as _loaded_at
    from responses
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
{%- endmacro %}

{#- Per identified customer × active fiscal quarter: the channels the customer has used
    so far, as a sorted comma list. -#}
{% macro customer_channels_to_date(responses, customer_quarters) -%}
with

channel_first_uses as (

    select
        customer_key,
        channel,
        min({{ fiscal_quarter_index('fiscal_year', 'fiscal_quarter') }}) as first_quarter_index
    from {{ responses }}
    where customer_key is not null and not coalesce(is_suspect, false)
    group by customer_key, channel

),

quarters as (

    select
        customer_key,
        quarter_index
    from {{ customer_quarters }}

),

final as (

    select
        quarters.customer_key,
        quarters.quarter_index,
        {{ journeys_sorted_list_agg('channel_first_uses.channel') }} as channels_used
    from quarters
    inner join channel_first_uses
        on
            quarters.customer_key = channel_first_uses.customer_key
            and quarters.quarter_index >= channel_first_uses.first_quarter_index
    group by quarters.customer_key, quarters.quarter_index

)

select * from final
{%- endmacro %}

{#- The customer's relationship with government: one row per identified customer ×
    fiscal quarter with activity, a cumulative snapshot across services and agencies. -#}
{% macro relationship_rows(customer_quarters, channels_to_date) -%}
with

quarters as (

    select * from {{ customer_quarters }}

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
            fiscal_quarter_end('cumulative.fiscal_year', 'cumulative.fiscal_quarter'),
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
        ) as double) as trust_change,
        cumulative._loaded_at
    from cumulative
    inner join {{ channels_to_date }} as channels
        on
            cumulative.customer_key = channels.customer_key
            and cumulative.quarter_index = channels.quarter_index

)

select * from final
{%- endmacro %}

{#-
    The responses of identified customers, as CTE `relationship_responses`; on an
    incremental build only those of the customers the batch touched (a new or
    re-delivered response, or one a re-delivered response left: replaced_responses, or
    one whose screening flag changed: screening_changes).
    Those customers are rebuilt whole (delete+insert by customer_key). Ends with a comma.
-#}
{% macro relationship_inputs() -%}
    {%- set since = incremental_since() %}
    {%- set scoped = since is not none and since != 'empty' %}
    {%- if scoped %}
    {%- set after = "cast('" ~ since ~ "' as timestamp with time zone)" %}
touched_customers as (

    select customer_key from {{ ref('fct_response') }}
    where _loaded_at > {{ after }} and customer_key is not null
    union
    select customer_key from {{ replaced_responses_relation() }}
    where replaced_at > {{ after }} and customer_key is not null
    union
    select customer_key from {{ screening_changes_relation() }}
    where changed_at > {{ after }} and customer_key is not null

),
    {%- endif %}

relationship_responses as (

    select * from {{ ref('fct_response') }}
    where customer_key is not null
    {%- if scoped %}
        and customer_key in (select customer_key from touched_customers)
    {%- endif %}

),
{%- endmacro %}
