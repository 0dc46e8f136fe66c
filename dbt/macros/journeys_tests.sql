{#
    Generic test for the journeys, relationship and action-plan models: rows where a
    boolean SQL expression is false fail. (dbt_utils.expression_is_true is not
    available here: no `dbt deps` on this machine.) NULL counts as passing, as in
    dbt_utils, so that optional columns can be checked with the same test.
#}
{% test journeys_expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), true)

{% endtest %}
