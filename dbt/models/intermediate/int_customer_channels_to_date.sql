-- Per identified customer × active fiscal quarter: the channels the customer has used
-- so far, as a sorted comma list.
{{ customer_channels_to_date(ref('fct_response'), ref('int_customer_quarters')) }}
