-- Feedback linked to one stage of one case (by case_id + stage): the answers a
-- journey map shows on that stage, and the comment sentiment (the "feelings" line).
with

responses as (

    select * from {{ ref('int_journey_responses') }}
    where case_id is not null and stage_order is not null

),

aggregated as (

    select
        case_id,
        stage_key,
        count(*) as n_responses,
        sum(n_answers) as n_answers,
        sum(n_positive) as n_positive,
        -- responses without a comment have no sentiment and do not count here
        avg(comment_sentiment) as mean_sentiment
    from responses
    group by case_id, stage_key

)

select * from aggregated
