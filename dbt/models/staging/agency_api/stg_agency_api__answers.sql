-- One row per answer element of each delivered agency API response, N/A included (the
-- answer rules are applied in int_answers_unpivoted). No dedup here: the incremental
-- facts keep the answers of the later delivery of a response only.
with

delivered as (

    select * from {{ source('raw', 'agency_api') }}

),

-- the unnest in the select list (not a lateral join): DuckDB then pushes the facts'
-- _loaded_at filter into the raw scan
elements as (

    select
        delivered._source,
        delivered.response_id,
        delivered._source_file,
        delivered._row_number,
        delivered._delivered_at,
        delivered._loaded_at,
        {{ select_unnest_with_position('delivered.answers', 'answer', 'answer_position') }}
    from delivered

),

unnested as (

    select
        md5(elements._source || ':' || elements.response_id) as response_key,
        cast(elements.response_id as varchar) as response_id,
        elements.answer.driver,  -- noqa: RF01
        elements.answer.scale,  -- noqa: RF01
        elements.answer.value as answer_text,  -- noqa: RF01
        elements.answer_position,
        elements._source,
        elements._source_file,
        elements._row_number,
        elements._delivered_at,
        elements._loaded_at
    from elements

),

renamed as (

    select
        response_key,
        response_id,
        cast(answer_position as integer) as answer_position,
        lower(trim(driver)) as driver,
        lower(trim(scale)) as scale,
        lower(trim(answer_text)) as answer_text,
        _source,
        _source_file,
        _row_number,
        _delivered_at,
        _loaded_at
    from unnested

)

select * from renamed
