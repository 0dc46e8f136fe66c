-- One row per case × stage reached: the stage's events side by side, its order in the
-- journey and its outcome. A stage is "reached" when any event names it.
{{ case_stages_pivoted(ref('stg_case_events__events')) }}
