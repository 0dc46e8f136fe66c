-- The journey map: per journey × stage × fiscal quarter, how many cases entered the
-- stage (in that quarter) and how they left it, and what customers said at the stage.
-- Stage answers are counted in the quarter they were given and include anonymous
-- feedback linked through service_id + stage, so a stage can have answers in a quarter
-- in which no case entered it (and the other way round).
with

joined as (

    select * from {{ ref('int_journey_stage_quarters') }}

),

scored as (

    select
        joined.*,
        journey_stages.stage_order,
        case
            when joined.n_entered > 0 then 1.0 * joined.n_abandoned / joined.n_entered
        end as drop_off_rate,
        case
            when joined.n_answers > 0 then 100.0 * joined.n_positive / joined.n_answers
        end as score,
        100.0 * {{ wilson_low('joined.n_positive', 'joined.n_answers') }} as ci_low,
        100.0 * {{ wilson_high('joined.n_positive', 'joined.n_answers') }} as ci_high,
        joined.n_answers < {{ var('min_reportable_n') }} as is_suppressed
    from joined
    inner join {{ ref('journey_stages') }} as journey_stages
        on
            joined.journey_id = journey_stages.journey_id
            and joined.stage_key = journey_stages.stage_key

),

ranked as (

    select
        scored.*,
        -- the pain point: lowest score among the journey-quarter's reportable stages
        row_number() over (
            partition by
                scored.journey_id, scored.fiscal_year, scored.fiscal_quarter, scored.is_suppressed
            order by scored.score, scored.stage_order
        ) as score_rank
    from scored

),

final as (

    select
        journey_id,
        stage_key,
        cast(stage_order as integer) as stage_order,
        cast(fiscal_year as integer) as fiscal_year,
        cast(fiscal_quarter as integer) as fiscal_quarter,
        cast(n_entered as bigint) as n_entered,
        cast(n_completed as bigint) as n_completed,
        cast(n_abandoned as bigint) as n_abandoned,
        cast(n_open as bigint) as n_open,
        cast(drop_off_rate as double) as drop_off_rate,
        cast(median_dwell_days as double) as median_dwell_days,
        cast(n_answers as bigint) as n_answers,
        cast(n_positive as bigint) as n_positive,
        cast(score as double) as score,
        cast(ci_low as double) as ci_low,
        cast(ci_high as double) as ci_high,
        is_suppressed,
        cast(mean_sentiment as double) as mean_sentiment,
        not is_suppressed and score_rank = 1 as is_pain_point
    from ranked

)

select * from final
