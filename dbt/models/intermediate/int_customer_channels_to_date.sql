-- Per identified customer × active fiscal quarter: the channels the customer has used
-- so far, as a sorted comma list.
with

channel_first_uses as (

    select
        customer_key,
        channel,
        min({{ journeys_quarter_index('fiscal_year', 'fiscal_quarter') }}) as first_quarter_index
    from {{ ref('fct_response') }}
    where customer_key is not null
    group by customer_key, channel

),

quarters as (

    select
        customer_key,
        quarter_index
    from {{ ref('int_customer_quarters') }}

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
