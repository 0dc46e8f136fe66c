-- Suspect responses (screening, docs/screening.md) per service x fiscal quarter x rule:
-- how many responses and answers every score, count and export leaves out. The Data
-- quality page and the OMB export's manifest show these numbers.
with

suspects as (

    select * from {{ ref('fct_response') }}
    where is_suspect

),

rules as (

    select
        rule,
        description
    from {{ ref('screening_rules') }}
    where service_id = '*'

),

final as (

    select
        suspects.service_id,
        cast(suspects.fiscal_year as integer) as fiscal_year,
        cast(suspects.fiscal_quarter as integer) as fiscal_quarter,
        suspects.suspect_rule,
        max(rules.description) as rule_description,
        cast(count(*) as bigint) as n_responses,
        cast(sum(suspects.n_answers) as bigint) as n_answers,
        max(suspects.submitted_at) as last_submitted_at
    from suspects
    left join rules on suspects.suspect_rule = rules.rule
    group by
        suspects.service_id, suspects.fiscal_year, suspects.fiscal_quarter, suspects.suspect_rule

)

select * from final
