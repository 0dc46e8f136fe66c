-- On Spark a table: its expanded SQL is longer than the Derby metastore keeps for a view.
{{ config(materialized=("table" if target.type == "spark" else "view")) }}
-- Suspect-response screening over every response: one row per response a rule of the
-- seed screening_rules flags, with the rule and the reason (macros/screening.sql).
-- fct_response's post-hook applies the same macro to what each batch touched and keeps
-- the flags on the fact; this view is the whole-warehouse view of the rules, and what
-- their unit tests pin.
{{ screening_flags(ref('fct_response')) }}
