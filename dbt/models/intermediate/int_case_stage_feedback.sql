-- Feedback linked to one stage of one case (by case_id + stage): the answers a
-- journey map shows on that stage, and the comment sentiment (the "feelings" line).
{{ case_stage_feedback(ref('int_journey_responses')) }}
