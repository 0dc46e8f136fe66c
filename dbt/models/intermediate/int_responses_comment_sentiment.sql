-- Comment sentiment computed offline in SQL, after VADER (Hutto & Gilbert 2014): the
-- valences of the comment's words (seed sentiment_lexicon, from VADER's lexicon) are
-- summed, a word with a negator among the 3 words before it counts -0.74 times, and the
-- sum x is normalised like VADER's compound score: x / sqrt(x * x + 15), in (-1, 1).
-- Responses without a comment get no row (fct_response shows NULL).
with

responses as (

    select
        response_key,
        _loaded_at,
        comment
    from {{ ref('int_responses_unioned') }}
    where comment is not null

),

{{ comment_sentiment_ctes('responses') }}

select * from sentiment_scores
