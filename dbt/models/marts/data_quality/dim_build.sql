-- The warehouse's current build: one row, rebuilt whenever dbt builds anything. It
-- depends on every other mart, so dbt runs it last, and only when all of them and
-- their tests passed: the publish step waits on this one table (a build that skipped
-- or failed any mart skips it, and nothing is published). A mart missing from this list
-- fails tests/integration/test_definitions.py.
{%- set marts = [
    'agg_action_plan_progress', 'agg_answer_distribution', 'agg_journey_stage_quarterly',
    'agg_key_drivers',
    'agg_quarantine_reasons', 'agg_quarterly_rollup_scores', 'agg_quarterly_service_scores',
    'agg_relationship_trust_groups',
    'agg_comment_themes_quarterly', 'agg_response_rates', 'agg_suspect_responses',
    'dim_answer_value', 'dim_comment_theme', 'fct_comment_themes', 'fct_cx_alerts', 'dim_benchmark', 'dim_channel',
    'dim_cx_maturity', 'dim_driver', 'dim_fiscal_quarter', 'dim_journey_stage', 'dim_reporting_rules', 'dim_service',
    'fct_action_plan_milestones', 'fct_file_loads', 'fct_journey', 'fct_journey_stage',
    'fct_relationship', 'fct_response', 'fct_transaction_feedback',
    'agg_omb_cx_collection_details', 'agg_omb_cx_collections', 'agg_omb_driver_summary',
    'fct_omb_cx_responses', 'fct_omb_survey_responses',
] %}
{%- for mart in marts %}
-- depends_on: {{ ref(mart) }}
{%- endfor %}

select
    cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as dbt_invocation_id,
    cast({{ dbt.current_timestamp() }} as {{ type_timestamptz() }}) as built_at,
    (select max(_loaded_at) from {{ ref('fct_response') }}) as last_loaded_at,
    (select count(*) from {{ ref('fct_response') }}) as n_responses,
    (select count(*) from {{ ref('fct_transaction_feedback') }}) as n_answers
