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

tokens as (

    select
        responses.response_key,
        responses._loaded_at,
        words.token,
        words.token_position
    from responses
    {{ lateral_unnest_with_position(
        tokenize('responses.comment'), 'words', 'token', 'token_position'
    ) }}

),

scored as (

    select
        tokens.response_key,
        tokens._loaded_at,
        tokens.token_position,
        coalesce(lexicon.valence, 0) as valence,
        coalesce(lexicon.is_negator, false) or tokens.token like '%n''t' as is_negator
    from tokens
    left join {{ ref('sentiment_lexicon') }} as lexicon on tokens.token = lexicon.token
    where tokens.token != ''

),

negated as (

    select
        response_key,
        _loaded_at,
        valence,
        max(case when is_negator then 1 else 0 end) over (
            partition by response_key order by token_position
            rows between 3 preceding and 1 preceding
        ) as follows_negator
    from scored

),

summed as (

    select
        response_key,
        _loaded_at,
        sum(case when follows_negator = 1 then -0.74 * valence else valence end) as valence_sum
    from negated
    group by response_key, _loaded_at

)

select
    responses.response_key,
    responses._loaded_at,
    cast(round(
        coalesce(summed.valence_sum / sqrt(summed.valence_sum * summed.valence_sum + 15), 0),
        4
    ) as double) as comment_sentiment
from responses
left join summed on responses.response_key = summed.response_key
