-- Every federal fiscal quarter from the earliest to the latest response's, gaps
-- included (a quarter without responses still gets a row, so "previous quarter" is
-- always the calendar predecessor). Quarter n of FY y: Q1 = Oct-Dec of y-1.
with

bounds as (

    select
        min(fiscal_year * 4 + fiscal_quarter - 1) as first_quarter_index,
        max(fiscal_year * 4 + fiscal_quarter - 1) as last_quarter_index
    from {{ ref('fct_response') }}

),

quarter_indexes as (

    select quarters.quarter_index
    from bounds
    {{ lateral_unnest(integer_range('bounds.first_quarter_index', 'bounds.last_quarter_index'),
                      'quarters', 'quarter_index') }}

),

quarters as (

    select
        cast(floor(quarter_index / 4) as integer) as fiscal_year,
        cast(quarter_index - floor(quarter_index / 4) * 4 + 1 as integer) as fiscal_quarter
    from quarter_indexes

),

final as (

    select
        fiscal_year,
        fiscal_quarter,
        'FY' || cast(fiscal_year as {{ dbt.type_string() }})
        || ' Q' || cast(fiscal_quarter as {{ dbt.type_string() }})
            as quarter_label,
        {{ fiscal_quarter_start('fiscal_year', 'fiscal_quarter') }} as quarter_start,
        {{ fiscal_quarter_end('fiscal_year', 'fiscal_quarter') }} as quarter_end,
        cast({{ prev_fiscal_year('fiscal_year', 'fiscal_quarter') }} as integer)
            as prev_fiscal_year,
        cast({{ prev_fiscal_quarter('fiscal_quarter') }} as integer) as prev_fiscal_quarter
    from quarters

)

select * from final
