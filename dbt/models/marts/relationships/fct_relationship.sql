-- The customer's relationship with government: one row per identified customer ×
-- fiscal quarter with activity, a cumulative snapshot across services and agencies.
-- Incremental by customer: a build recomputes every quarter of the customers its batch
-- touched (macros/relationship_marts.sql); a customer a re-delivery left with no
-- response at all loses its rows (post-hook).
{{
    config(
        materialized=cx_incremental_materialization(),
        unique_key='customer_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_incremental_batch() }}",
        post_hook=[
            "{% if is_incremental() %}
            delete from {{ this }}
            where customer_key in (
                select customer_key from {{ replaced_responses_relation() }}
                where replaced_at > {{ incremental_batch_since(this.identifier) }}
                union
                select customer_key from {{ screening_changes_relation() }}
                where changed_at > {{ incremental_batch_since(this.identifier) }}
            )
                and customer_key not in (
                    select customer_key from {{ ref('fct_response') }}
                    where customer_key is not null and not is_suspect
                )
            {% endif %}",
        ],
    )
}}
with

{{ relationship_inputs() }}

customer_quarter_rows as (
    {{ customer_quarters('relationship_responses') }}
),

customer_channel_rows as (
    {{ customer_channels_to_date('relationship_responses', 'customer_quarter_rows') }}
),

final as (
    {{ relationship_rows('customer_quarter_rows', 'customer_channel_rows') }}
)

select * from final
