-- depends_on: {{ ref('comment_themes') }}
-- One row per response x theme its (redacted) comment is about (seed comment_themes,
-- macros/comment_themes.sql). Suspect responses (screening) are left out. Each distinct
-- comment text is matched once; the facts are written in service x quarter order.
with

responses as (

    select
        response_key,
        service_id,
        agency_code,
        fiscal_year,
        fiscal_quarter,
        channel,
        submitted_at,
        comment,
        comment_sentiment
    from {{ ref('fct_response') }}
    where comment is not null and trim(comment) != '' and not is_suspect

),

texts as (

    select distinct comment from responses

),

matches as (

    {{ comment_theme_matches('texts') }}

)

select
    responses.response_key,
    responses.service_id,
    responses.agency_code,
    responses.fiscal_year,
    responses.fiscal_quarter,
    responses.channel,
    responses.submitted_at,
    cast(matches.theme as {{ dbt.type_string() }}) as theme,
    responses.comment_sentiment
from responses
inner join matches on responses.comment = matches.comment
{{ service_quarter_order('responses.') }}
