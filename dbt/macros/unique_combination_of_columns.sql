{#-
    Generic test: the combination of `combination_of_columns` is unique in the model.
    dbt_utils cannot be installed here (no `dbt deps`), so this is our own copy with
    the same name and argument:

        data_tests:
          - unique_combination_of_columns:
              arguments:
                combination_of_columns: [response_key, driver]

    Fails with one row per duplicated combination. NULLs count as values (two rows
    with the same NULL combination are duplicates), like dbt_utils.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

with validation_errors as (

    select
        {{ columns_csv }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1

)

select * from validation_errors

{% endtest %}
