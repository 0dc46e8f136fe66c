-- Trust of identified customers per fiscal quarter, split three ways the Relationships
-- page shows side by side: by tenure, by the number of agencies dealt with to date, and
-- new vs returning. Each split is a partition of the same customers, so every split adds
-- up to the same total, and "new this quarter" is the tenure group "0: first quarter".
--
-- Suppression (docs/suppression.md): a group with fewer than min_reportable_n trust
-- answers is `primary`. Any fully shown split publishes the total, so a split with one
-- hidden group would give it away by subtraction, and so would hidden groups that could
-- only be all positive or all negative: while a split has such hidden groups, its shown
-- group with the fewest answers is hidden too (`complementary`; ties: the first group),
-- and "new this quarter" is hidden exactly when tenure 0 is (the same customers).
{%- set passes = 4 %}

with

customers as (

    select * from {{ ref('fct_relationship') }}

),

grouped as (

    select
        fiscal_year,
        fiscal_quarter,
        'tenure' as breakdown,
        case
            when tenure_quarters = 0 then '0: first quarter'
            when tenure_quarters = 1 then '1 quarter'
            when tenure_quarters <= 3 then '2–3 quarters'
            when tenure_quarters <= 7 then '4–7 quarters'
            else '8+ quarters'
        end as customer_group,
        case
            when tenure_quarters = 0 then 1
            when tenure_quarters = 1 then 2
            when tenure_quarters <= 3 then 3
            when tenure_quarters <= 7 then 4
            else 5
        end as group_order,
        trust_n,
        trust_positive
    from customers

    union all

    select
        fiscal_year,
        fiscal_quarter,
        'agencies' as breakdown,
        case
            when n_agencies_to_date <= 1 then '1 agency'
            when n_agencies_to_date = 2 then '2 agencies'
            else '3+ agencies'
        end as customer_group,
        least(greatest(n_agencies_to_date, 1), 3) as group_order,
        trust_n,
        trust_positive
    from customers

    union all

    select
        fiscal_year,
        fiscal_quarter,
        'new_vs_returning' as breakdown,
        case when is_new_customer then 'New this quarter' else 'Returning' end
            as customer_group,
        case when is_new_customer then 1 else 2 end as group_order,
        trust_n,
        trust_positive
    from customers

),

group_counts as (

    select
        fiscal_year,
        fiscal_quarter,
        breakdown,
        customer_group,
        min(group_order) as group_order,
        count(*) as n_customers,
        cast(sum(trust_n) as bigint) as trust_n,
        cast(sum(trust_positive) as bigint) as trust_positive
    from grouped
    group by fiscal_year, fiscal_quarter, breakdown, customer_group

),

pass_0 as (

    select
        *,
        trust_n < {{ var('min_reportable_n') }} as is_suppressed,
        trust_n < {{ var('min_reportable_n') }} as is_primary
    from group_counts

),

{#- Each pass reads the pass before once (window functions, no self-joins): Spark
    inlines every reference to a CTE, so a pass read three times by the next would
    plan 3^passes copies of the whole query. -#}
{%- for i in range(1, passes + 1) %}

    -- pass {{ i }}: splits whose hidden groups give themselves away hide one more group
    splits_{{ i }} as (

        select
            *,
            count(case when is_suppressed then 1 end) over split as n_hidden,
            sum(case when is_suppressed then trust_positive else 0 end) over split
                as hidden_positive,
            sum(case when is_suppressed then trust_n else 0 end) over split as hidden_n
        from pass_{{ i - 1 }}
        window split as (partition by fiscal_year, fiscal_quarter, breakdown)

    ),

    picks_{{ i }} as (

        select
            *,
            not is_suppressed
            and n_hidden > 0
            and (n_hidden = 1 or hidden_positive = 0 or hidden_positive = hidden_n)
                as is_candidate
        from splits_{{ i }}

    ),

    hidden_{{ i }} as (

        select
            fiscal_year,
            fiscal_quarter,
            breakdown,
            customer_group,
            group_order,
            n_customers,
            trust_n,
            trust_positive,
            is_primary,
            is_suppressed or (
                is_candidate
                and row_number() over (
                    partition by fiscal_year, fiscal_quarter, breakdown
                    order by is_candidate desc, trust_n asc, group_order asc
                ) = 1
            ) as is_suppressed
        from picks_{{ i }}

    ),

    -- the same customers: "new this quarter" and tenure 0 are hidden together
    pass_{{ i }} as (

        select
            fiscal_year,
            fiscal_quarter,
            breakdown,
            customer_group,
            group_order,
            n_customers,
            trust_n,
            trust_positive,
            is_primary,
            is_suppressed or (
                group_order = 1
                and breakdown in ('tenure', 'new_vs_returning')
                and coalesce(max(
                    case
                        when group_order = 1 and breakdown in ('tenure', 'new_vs_returning')
                            then is_suppressed
                    end
                ) over (partition by fiscal_year, fiscal_quarter), false)
            ) as is_suppressed
        from hidden_{{ i }}

    ){{ ',' if not loop.last }}

{%- endfor %}

select
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    cast(breakdown as {{ dbt.type_string() }}) as breakdown,
    cast(customer_group as {{ dbt.type_string() }}) as customer_group,
    cast(group_order as integer) as group_order,
    cast(n_customers as bigint) as n_customers,
    trust_n,
    trust_positive,
    cast(case when trust_n > 0 then 100.0 * trust_positive / trust_n end as double)
        as trust_score,
    is_suppressed,
    cast(case
        when is_primary then 'primary'
        when is_suppressed then 'complementary'
    end as {{ dbt.type_string() }}) as suppression_reason
from pass_{{ passes }}
