-- Every response that can be placed on a journey, with its answer counts: responses
-- that carry a case id (agency API) and anonymous responses that name a stage of the
-- journey their service belongs to (METRICS.md: linked through service_id + stage).
{{ journey_responses(ref('fct_response'), ref('stg_case_events__events')) }}
