-- depends_on: {{ ref('comment_themes') }}
-- One row per response x theme its (redacted) comment is about (seed comment_themes,
-- macros/comment_themes.sql). Suspect responses (screening) are left out. Each distinct
-- comment text is matched once; rows are written in service x quarter order.
-- Incremental by response: a build matches the responses loaded, re-delivered or
-- re-screened since the last one (all of them when the seed's patterns changed).
{{
    config(
        materialized=cx_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ record_incremental_batch() }}",
            "{{ clear_comment_themes_scope() }}",
        ],
        post_hook="{{ record_comment_themes_state() }}",
    )
}}
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
        comment_sentiment,
        _loaded_at
    from {{ ref('fct_response') }} as responses
    where
        comment is not null and trim(comment) != '' and not is_suspect
        and {{ comment_themes_scope(comment_themes_since()) }}

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
    responses.comment_sentiment,
    responses._loaded_at
from responses
inner join matches on responses.comment = matches.comment
{{ service_quarter_order('responses.') }}
