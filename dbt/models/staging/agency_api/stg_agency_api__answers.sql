-- One row per answer element of the latest delivery of each agency API response,
-- N/A included (the answer rules are applied in int_answers_unpivoted).
with

source as (

    select * from {{ source('raw', 'agency_api') }}

),

ranked as (

    select
        *,
        {{ later_delivery_rank(['response_id']) }} as delivery_rank
    from source

),

latest as (

    select * from ranked
    where delivery_rank = 1

),

unnested as (

    select
        md5(latest._source || ':' || latest.response_id) as response_key,
        cast(latest.response_id as varchar) as response_id,
        answers.answer.driver,  -- noqa: RF01
        answers.answer.scale,  -- noqa: RF01
        answers.answer.value as answer_text,  -- noqa: RF01
        answers.answer_position,
        latest._source,
        latest._source_file,
        latest._row_number,
        latest._loaded_at
    from latest
    {{ lateral_unnest_with_position('latest.answers', 'answers', 'answer', 'answer_position') }}

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
        _loaded_at
    from unnested

)

select * from renamed
