{#-
    VADER-style comment sentiment (see int_responses_comment_sentiment) as CTEs over a
    relation/CTE `responses` with response_key, _loaded_at, comment. fct_response calls
    it on its incremental batch only, so an incremental run tokenises only new comments.

    Linear and bounded per comment (the loaders cut a comment to 10,000 characters):
    tokens are probed against the lexicon (hash join) and only the few that matter are
    kept: words with a valence and negators. A valence word is negated when a negator
    sits among the 3 words before it: each negator marks the 3 positions after it, and
    valence words are matched to those by equality, with no range join and no window
    over every token. Empty tokens only occur at a comment's ends, so positions of real
    words are consecutive and "3 positions before" = "3 words before".
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

-- the positions a negator negates: the 3 words after it (equality joins only, so the
-- work grows linearly with the words of a comment)
sentiment_negated as (

    select distinct
        negators.response_key,
        negators.token_position + offsets.offset_by as token_position
    from sentiment_hits as negators
    cross join (
        select 1 as offset_by union all select 2 union all select 3
    ) as offsets
    where negators.is_negator

),

sentiment_summed as (

    select
        valenced.response_key,
        sum(
            case
                when negated.token_position is not null then -0.74 * valenced.valence
                else valenced.valence
            end
        ) as valence_sum
    from sentiment_hits as valenced
    left join sentiment_negated as negated
        on
            valenced.response_key = negated.response_key
            and valenced.token_position = negated.token_position
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
