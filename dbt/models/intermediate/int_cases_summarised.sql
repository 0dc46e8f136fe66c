-- One row per case: when it started, how far it got, and whether and where it ended
-- (completion of the journey's last stage, or the first abandon event).
{{ cases_summarised(ref('int_case_stages_pivoted')) }}
