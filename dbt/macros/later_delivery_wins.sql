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
