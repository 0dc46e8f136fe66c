{#-
    VADER-style comment sentiment (see int_responses_comment_sentiment) as CTEs over a
    relation/CTE `responses` with response_key, _loaded_at, comment. fct_response calls
    it on its incremental batch only, so an incremental run tokenises only new comments.

    Cheap shape: tokens are probed against the lexicon (hash join), and only the few
    tokens that matter are kept: words with a valence and negators. A valence word is
    negated when a negator sits among the 3 words before it (a range semi-join on the
    response), instead of a window sorted over every token of every comment. Empty
    tokens only occur at a comment's ends, so positions of real words are consecutive
    and "3 positions before" = "3 words before".
-#}
{% macro comment_sentiment_ctes(responses) -%}
sentiment_tokens as (

    select
        responses.response_key,
        words.token,
        words.token_position
    from (select response_key, comment from {{ responses }} where comment is not null) as responses
    {{ lateral_unnest_with_position(
        tokenize('responses.comment'), 'words', 'token', 'token_position'
    ) }}

),

sentiment_hits as (

    select
        tokens.response_key,
        tokens.token_position,
        coalesce(lexicon.valence, 0) as valence,
        coalesce(lexicon.is_negator, false) or tokens.token like '%n''t' as is_negator
    from sentiment_tokens as tokens
    left join {{ ref('sentiment_lexicon') }} as lexicon on tokens.token = lexicon.token
    where
        tokens.token != ''
        and (lexicon.token is not null or tokens.token like '%n''t')

),

sentiment_negators as (

    select response_key, token_position
    from sentiment_hits
    where is_negator

),

sentiment_summed as (

    select
        valenced.response_key,
        sum(
            case
                when exists (
                    select 1 from sentiment_negators as negators
                    where
                        negators.response_key = valenced.response_key
                        and negators.token_position between valenced.token_position - 3
                        and valenced.token_position - 1
                ) then -0.74 * valenced.valence
                else valenced.valence
            end
        ) as valence_sum
    from sentiment_hits as valenced
    where valenced.valence != 0
    group by valenced.response_key

),

sentiment_scores as (

    select
        responses.response_key,
        responses._loaded_at,
        cast(round(
            coalesce(
                summed.valence_sum / sqrt(summed.valence_sum * summed.valence_sum + 15), 0
            ),
            4
        ) as double) as comment_sentiment
    from {{ responses }} as responses
    left join sentiment_summed as summed on responses.response_key = summed.response_key
    where responses.comment is not null

)
{%- endmacro %}
