{#-
    The raw loaders replace a re-delivered record by its source record id, so raw
    should hold one version per record. Staging stays correct even if raw ever held
    two: rank the versions of a record, latest delivery first, and keep rank 1.
    Delivery order is the file's modification time, then its path, then the row.

        select * from (
            select *, {{ later_delivery_rank(['response_id']) }} as _delivery_rank
            from source
        ) as ranked
        where _delivery_rank = 1
-#}
{% macro later_delivery_rank(record_key_columns) -%}
    row_number() over (
        partition by {{ record_key_columns | join(', ') }}
        order by _delivered_at desc, _source_file desc, _row_number desc
    )
{%- endmacro %}

{#-
    The incremental cursor of a fact as a literal: `where _loaded_at >= <max(_loaded_at)
    of the fact>` on an incremental build, nothing on a full build. A literal (read
    with run_query when the model is compiled), not a scalar subquery, so that DuckDB
    pushes the filter through the union views into the raw scans; the facts apply
    later_delivery_rank AFTER this filter, over the batch only. An empty fact (NULL max)
    selects nothing, as `>= (select max(...))` did.
-#}
{% macro incremental_cursor_filter() -%}
    {%- if is_incremental() -%}
        {%- set since = none -%}
        {%- if execute -%}
            {%- set since = run_query(
                "select cast(max(_loaded_at) as varchar) from " ~ this
            ).columns[0].values()[0] -%}
        {%- endif %}
    -- >= rather than >: rows loaded in the same instant as the last build are redone
    -- (delete+insert makes that idempotent) instead of being missed.
    {%- if since is none %}
    where false
    {%- else %}
    where _loaded_at >= cast('{{ since }}' as timestamptz)
    {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The responses of this build's batch, the latest delivery of each: the batch first
    (the cursor filter reaches the raw scans), then later delivery wins within it.
    Both incremental facts start from this. -#}
{% macro latest_responses_in_batch(responses_relation) -%}
    select * from (
        select
            *,
            {{ later_delivery_rank(['response_key']) }} as delivery_rank
        from {{ responses_relation }}
        {{ incremental_cursor_filter() }}
    ) as ranked
    where delivery_rank = 1
{%- endmacro %}
