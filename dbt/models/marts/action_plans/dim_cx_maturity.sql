-- Each agency's CX maturity self-assessment (seed): level and target per domain and
-- fiscal year, with the change since the agency's previous assessment of the domain.
with

assessments as (

    select * from {{ ref('cx_maturity_assessment') }}

),

final as (

    select
        cast(agency_code as {{ dbt.type_string() }}) as agency_code,
        cast(fiscal_year as integer) as fiscal_year,
        -- `domain` and `level` are the seed's (and the A-11 plan's) own words
        cast(domain as {{ dbt.type_string() }}) as domain,  -- noqa: RF04
        cast(level as integer) as level,  -- noqa: RF04
        cast(target_level as integer) as target_level,
        cast(target_level - level as integer) as gap_to_target,
        cast(level - lag(level) over (
            partition by agency_code, domain order by fiscal_year
        ) as integer) as level_change,
        cast(notes as {{ dbt.type_string() }}) as notes
    from assessments

)

select * from final
