-- One row per identified customer × fiscal quarter with at least one response: the
-- quarter's interactions and trust answers, and what is new to the customer that
-- quarter (services, agencies, channels used for the first time). Anonymous
-- responses never enter the relationship level.
{{ customer_quarters(ref('fct_response')) }}
