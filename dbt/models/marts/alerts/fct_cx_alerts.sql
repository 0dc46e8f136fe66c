-- noqa: disable=RF04
-- One row per alert: a service's experience dropped in a fiscal quarter by a rule of the
-- seed alert_rules (docs/alerts.md). Only published numbers alert: a suppressed cell
-- (or a previous quarter that is) never does. alert_key is stable across builds (rule,
-- service, quarter and subject), and first_detected_at is kept from the build that
-- first found the alert.

with

rules as (

    select * from {{ ref('alert_rules') }}

),

scores as (

    select * from {{ ref('agg_quarterly_service_scores') }}
    where channel = 'all'

),

-- a driver's score fell significantly from the previous quarter
score_drops as (

    select
        'score_drop' as rule,
        scores.service_id,
        scores.fiscal_year,
        scores.fiscal_quarter,
        scores.driver as subject,
        scores.score as observed,
        scores.prev_score as expected,
        scores.n
    from scores
    inner join rules on rules.rule = 'score_drop'
    where
        not scores.is_suppressed
        and not scores.prev_is_suppressed
        and scores.is_change_significant
        and scores.score_change <= -rules.threshold
        and scores.n >= rules.min_n

),

-- a driver's score significantly below its pooled mean over the four quarters before
trailing_means as (

    select
        current_quarter.service_id,
        current_quarter.fiscal_year,
        current_quarter.fiscal_quarter,
        current_quarter.driver,
        current_quarter.score,
        current_quarter.n,
        current_quarter.n_positive,
        100.0 * sum(earlier.n_positive) / nullif(sum(earlier.n), 0) as trailing_score,
        sum(earlier.n_positive) as trailing_positive,
        sum(earlier.n) as trailing_n,
        count(*) as n_quarters,
        bool_or(earlier.is_suppressed) as any_hidden
    from scores as current_quarter
    inner join scores as earlier
        on
            current_quarter.service_id = earlier.service_id
            and current_quarter.driver = earlier.driver
            and {{ fiscal_quarter_index('earlier.fiscal_year', 'earlier.fiscal_quarter') }}
            between {{ fiscal_quarter_index('current_quarter.fiscal_year',
                                            'current_quarter.fiscal_quarter') }} - 4
            and {{ fiscal_quarter_index('current_quarter.fiscal_year',
                                        'current_quarter.fiscal_quarter') }} - 1
    where not current_quarter.is_suppressed
    group by
        current_quarter.service_id, current_quarter.fiscal_year,
        current_quarter.fiscal_quarter, current_quarter.driver, current_quarter.score,
        current_quarter.n, current_quarter.n_positive

),

below_trailing as (

    select
        'below_trailing_mean' as rule,
        trailing_means.service_id,
        trailing_means.fiscal_year,
        trailing_means.fiscal_quarter,
        trailing_means.driver as subject,
        trailing_means.score as observed,
        trailing_means.trailing_score as expected,
        trailing_means.n
    from trailing_means
    inner join rules on rules.rule = 'below_trailing_mean'
    where
        trailing_means.n_quarters = 4
        and not trailing_means.any_hidden
        and trailing_means.n >= rules.min_n
        and trailing_means.trailing_n >= rules.min_n
        and trailing_means.score < trailing_means.trailing_score - rules.threshold
        -- and significantly so (the pooled two-proportion test against the four
        -- quarters pooled): without it a level score alerts on sampling noise
        and {{ two_proportion_p_value(
            'trailing_means.n_positive', 'trailing_means.n',
            'trailing_means.trailing_positive', 'trailing_means.trailing_n') }}
        < {{ var('significance_alpha') }}

),

-- trust below the sector benchmark (the benchmark year nearest before, or the latest)
benchmarked as (

    select
        scores.service_id,
        scores.fiscal_year,
        scores.fiscal_quarter,
        scores.score,
        scores.n,
        benchmarks.score as benchmark_score,
        row_number() over (
            partition by scores.service_id, scores.fiscal_year, scores.fiscal_quarter
            order by
                case when benchmarks.benchmark_year <= scores.fiscal_year then 0 else 1 end,
                abs(scores.fiscal_year - benchmarks.benchmark_year)
        ) as rn
    from scores
    inner join {{ ref('dim_service') }} as services on scores.service_id = services.service_id
    inner join {{ ref('dim_benchmark') }} as benchmarks
        on
            services.benchmark_sector = benchmarks.benchmark_sector
            and scores.driver = benchmarks.driver
    where scores.driver = 'trust' and not scores.is_suppressed

),

below_benchmark as (

    select
        'trust_below_benchmark' as rule,
        benchmarked.service_id,
        benchmarked.fiscal_year,
        benchmarked.fiscal_quarter,
        'trust' as subject,
        benchmarked.score as observed,
        benchmarked.benchmark_score as expected,
        benchmarked.n
    from benchmarked
    inner join rules on rules.rule = 'trust_below_benchmark'
    where
        benchmarked.rn = 1
        and benchmarked.n >= rules.min_n
        and benchmarked.score < benchmarked.benchmark_score - rules.threshold

),

-- a journey stage's drop-off rose significantly (the journey's services alert)
stages as (

    select
        stages.*,
        previous.n_entered as prev_n_entered,
        previous.n_abandoned as prev_n_abandoned,
        previous.drop_off_rate as prev_drop_off_rate
    from {{ ref('agg_journey_stage_quarterly') }} as stages
    inner join {{ ref('agg_journey_stage_quarterly') }} as previous
        on
            stages.journey_id = previous.journey_id
            and stages.stage_key = previous.stage_key
            and previous.fiscal_year
            = {{ prev_fiscal_year('stages.fiscal_year', 'stages.fiscal_quarter') }}
            and previous.fiscal_quarter = {{ prev_fiscal_quarter('stages.fiscal_quarter') }}

),

dropoff_rises as (

    select
        'dropoff_rise' as rule,
        services.service_id,
        stages.fiscal_year,
        stages.fiscal_quarter,
        stages.journey_id || '/' || stages.stage_key as subject,
        100.0 * stages.drop_off_rate as observed,
        100.0 * stages.prev_drop_off_rate as expected,
        stages.n_entered as n
    from stages
    inner join rules on rules.rule = 'dropoff_rise'
    inner join {{ ref('dim_service') }} as services on stages.journey_id = services.journey_id
    where
        stages.n_entered >= rules.min_n
        and stages.prev_n_entered >= rules.min_n
        and 100.0 * (stages.drop_off_rate - stages.prev_drop_off_rate) >= rules.threshold
        and {{ two_proportion_p_value(
            'stages.n_abandoned', 'stages.n_entered',
            'stages.prev_n_abandoned', 'stages.prev_n_entered'
        ) }} < {{ var('significance_alpha') }}

),

emerging_themes as (

    select
        'emerging_theme' as rule,
        themes.service_id,
        themes.fiscal_year,
        themes.fiscal_quarter,
        themes.theme as subject,
        themes.share as observed,
        themes.prev_share as expected,
        themes.n_comments as n
    from {{ ref('agg_comment_themes_quarterly') }} as themes
    inner join rules on rules.rule = 'emerging_theme'
    where themes.is_emerging and themes.n_comments >= rules.min_n

),

found_rules as (

    select * from score_drops
    union all
    select * from below_trailing
    union all
    select * from below_benchmark
    union all
    select * from dropoff_rises
    union all
    select * from emerging_themes

),

-- the subject in words: a driver's or a theme's label, a journey stage's
found as (

    select
        found_rules.*,
        coalesce(
            drivers.driver_label, themes.theme_label, journey_stages.stage_label,
            found_rules.subject
        ) as subject_label
    from found_rules
    left join {{ ref('dim_driver') }} as drivers on found_rules.subject = drivers.driver
    left join {{ ref('dim_comment_theme') }} as themes on found_rules.subject = themes.theme
    left join {{ ref('dim_journey_stage') }} as journey_stages
        on found_rules.subject = journey_stages.journey_id || '/' || journey_stages.stage_key

),

-- the owner of the latest initiative on the service and driver, else on the service
owners as (

    select
        service_id,
        target_driver,
        owner,
        row_number() over (partition by service_id, target_driver order by start_date desc)
            as driver_rank,
        row_number() over (partition by service_id order by start_date desc) as service_rank
    from {{ ref('action_plans') }}

),

described as (

    select
        md5(
            found.rule || '|' || found.service_id || '|'
            || cast(found.fiscal_year as {{ dbt.type_string() }})
            || '|' || cast(found.fiscal_quarter as {{ dbt.type_string() }}) || '|' || found.subject
        ) as alert_key,
        found.*,
        rules.severity,
        coalesce(driver_owners.owner, service_owners.owner) as owner,
        case found.rule
            when 'score_drop'
                then
                    found.subject_label || ' fell from ' || printf('%.1f', found.expected)
                    || ' to ' || printf('%.1f', found.observed) || ' (n = '
                    || cast(found.n as {{ dbt.type_string() }}) || '), a significant drop.'
            when 'below_trailing_mean'
                then
                    found.subject_label || ' is ' || printf('%.1f', found.observed)
                    || ', ' || printf('%.1f', found.expected - found.observed)
                    || ' points below its mean of the four quarters before ('
                    || printf('%.1f', found.expected) || ').'
            when 'trust_below_benchmark'
                then
                    'Trust is ' || printf('%.1f', found.observed) || ', '
                    || printf('%.1f', found.expected - found.observed)
                    || ' points below the sector benchmark (' || printf('%.1f', found.expected)
                    || ').'
            when 'dropoff_rise'
                then
                    'Drop-off at ' || found.subject_label || ' rose from '
                    || printf('%.1f', found.expected) || '% to ' || printf('%.1f', found.observed)
                    || '% of ' || cast(found.n as {{ dbt.type_string() }})
                    || ' cases, a significant rise.'
            else
                'Comments on ' || lower(found.subject_label) || ' rose from '
                || printf('%.0f', found.expected) || '% to ' || printf('%.0f', found.observed)
                || '% of the quarter''s comments ('
                || cast(found.n as {{ dbt.type_string() }}) || ').'
        end as message
    from found
    inner join rules on found.rule = rules.rule
    left join owners as driver_owners
        on
            found.service_id = driver_owners.service_id
            and found.subject = driver_owners.target_driver
            and driver_owners.driver_rank = 1
    left join owners as service_owners
        on found.service_id = service_owners.service_id and service_owners.service_rank = 1

)

select
    cast(described.alert_key as {{ dbt.type_string() }}) as alert_key,
    cast(described.service_id as {{ dbt.type_string() }}) as service_id,
    cast(described.fiscal_year as integer) as fiscal_year,
    cast(described.fiscal_quarter as integer) as fiscal_quarter,
    cast(described.rule as {{ dbt.type_string() }}) as rule,
    cast(described.subject as {{ dbt.type_string() }}) as subject,
    cast(described.severity as {{ dbt.type_string() }}) as severity,
    cast(described.observed as double) as observed,
    cast(described.expected as double) as expected,
    cast(described.n as bigint) as n,
    cast(described.message as {{ dbt.type_string() }}) as message,
    cast(described.owner as {{ dbt.type_string() }}) as owner,
    {%- set earlier = none %}
    {%- if this is not none and execute %}
        {%- set earlier = adapter.get_relation(this.database, this.schema, this.identifier) %}
    {%- endif %}
    {#- Spark drops a Parquet table before it re-creates it: there, the time of the build. #}
    {%- if earlier is not none and not flags.FULL_REFRESH and target.type != 'spark' %}
    coalesce(
        (select min(kept.first_detected_at) from {{ this }} as kept
         where kept.alert_key = described.alert_key),
        {{ dbt.current_timestamp() }}
    ) as first_detected_at
    {%- else %}
        cast({{ dbt.current_timestamp() }} as {{ type_timestamptz() }}) as first_detected_at
    {%- endif %}
from described
