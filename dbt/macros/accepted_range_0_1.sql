{#- Generic test: every non-NULL value lies in [0, 1] (a rate or share). -#}
{% test accepted_range_0_1(model, column_name) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1

{% endtest %}
