-- Every quarterly score cell the dashboard and the export publish, with its suppression
-- decided once for all of them: a service's cell per channel and over all channels
-- (`all`), each agency's services pooled, and all services pooled. A cell is suppressed
-- when it has fewer than min_reportable_n answers (`primary`), or when showing it would
-- let a reader recover a primary-suppressed cell by subtraction (`complementary`).
--
-- The published cells are tied by totals, each one "parent = sum of its children" per
-- fiscal quarter x driver:
--   - a service's, an agency's or all services' `all` row = its channel rows;
--   - an agency's row = its services' rows, per channel (`all` included);
--   - the all-services row = the agencies' rows, per channel.
-- n is published for every cell (a suppressed score shows its n), so a total with
-- exactly one suppressed member gives that member's positive count away, and so does a
-- total whose hidden members can only be all positive or all negative. The rule
-- (docs/suppression.md): while some total gives its hidden members away, also
-- suppress that total's shown child with the fewest answers (mixed answers first;
-- ties: the first cell key), or the total itself when every child is suppressed. Each
-- pass applies the rule to every total at once. What several totals give away together
-- is int_score_cells_protected's job (a linear program, in Python).
{{ config(materialized='table') }}
{%- set passes = 8 %}

with

-- every answer's counts less those of suspect responses (screening): no score counts them
counts as (

    select * from {{ ref('int_answer_counts_screened') }}

),

service_cells as (

    select
        'service' as cell_level,
        service_id as cell_id,
        agency_code,
        coalesce(agency_code, 'unknown') as agency_key,
        fiscal_year,
        fiscal_quarter,
        coalesce(channel, 'all') as channel,  -- channel is never NULL in the counts
        driver,
        1 as n_services,
        sum(n) as n,
        sum(n_positive) as n_positive,
        sum(n_likert) as n_likert,
        sum(likert_sum) as likert_sum
    from counts
    -- rollup (channel): each channel, then the 'all' row over every channel
    group by
        service_id, agency_code, fiscal_year, fiscal_quarter, driver, rollup(channel)

),

pooled_cells as (

    select
        'agency' as cell_level,
        agency_key as cell_id,
        max(agency_code) as agency_code,
        agency_key,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        count(*) as n_services,
        sum(n) as n,
        sum(n_positive) as n_positive,
        sum(n_likert) as n_likert,
        sum(likert_sum) as likert_sum
    from service_cells
    group by agency_key, fiscal_year, fiscal_quarter, channel, driver
    union all
    select
        'all_services' as cell_level,
        'all' as cell_id,
        cast(null as {{ dbt.type_string() }}) as agency_code,
        cast(null as {{ dbt.type_string() }}) as agency_key,
        fiscal_year,
        fiscal_quarter,
        channel,
        driver,
        count(*) as n_services,
        sum(n) as n,
        sum(n_positive) as n_positive,
        sum(n_likert) as n_likert,
        sum(likert_sum) as likert_sum
    from service_cells
    group by fiscal_year, fiscal_quarter, channel, driver

),

cells as (

    select
        *,
        cell_level || '|' || cell_id || '|' || channel as cell_key,
        n < {{ var('min_reportable_n') }} as is_primary_suppressed
    from (
        select * from service_cells
        union all
        select * from pooled_cells
    ) as every_cell

),

total_kinds as (

    select 'channels' as total_kind
    union all
    select 'services' as total_kind
    union all
    select 'agencies' as total_kind

),

-- each total as its members: the parent and the children that add up to it; a cell is
-- a member of its channels total and of one or two others. One scan of the cells (a
-- kind of total per row of `total_kinds`): Spark inlines every reference to a CTE.
members as (

    select
        cells.fiscal_year,
        cells.fiscal_quarter,
        cells.driver,
        cells.cell_key,
        cells.n,
        cells.n_positive,
        kinds.total_kind,
        case kinds.total_kind
            -- a service's, an agency's, all services' channels add up to its `all` row
            when 'channels' then 'channels|' || cells.cell_level || '|' || cells.cell_id
            -- an agency's services add up to the agency, per channel
            when 'services' then 'services|' || cells.agency_key || '|' || cells.channel
            -- the agencies add up to all services, per channel
            else 'agencies|' || cells.channel
        end as total_key,
        case kinds.total_kind
            when 'channels' then cells.channel = 'all'
            when 'services' then cells.cell_level = 'agency'
            else cells.cell_level = 'all_services'
        end as is_parent,
        cells.is_primary_suppressed as is_suppressed
    from cells
    cross join total_kinds as kinds
    where
        kinds.total_kind = 'channels'
        or (kinds.total_kind = 'services' and cells.cell_level in ('service', 'agency'))
        or (kinds.total_kind = 'agencies' and cells.cell_level in ('agency', 'all_services'))

),

{#- Each pass reads the pass before once, with windows only (no join back, no second
    reference): Spark inlines every reference to a CTE and its analyser takes seconds
    per copy. -#}
{%- set carried = [
    'fiscal_year', 'fiscal_quarter', 'driver', 'cell_key', 'n', 'n_positive',
    'total_kind', 'total_key', 'is_parent'
] %}
{%- for i in range(1, passes + 1) %}

    totals_{{ i }} as (

        select
            *,
            count(case when is_suppressed then 1 end) over total_window
                as n_suppressed_members,
            -- the hidden members' signed positives (parent +, children -) as the shown
            -- ones fix them, and the least and most they could be
            coalesce(sum(
                case
                    when not is_suppressed
                        then case when is_parent then -1 else 1 end * n_positive
                end
            ) over total_window, 0) as hidden_sum,
            coalesce(-sum(
                case when is_suppressed and not is_parent then n end
            ) over total_window, 0) as hidden_least,
            coalesce(sum(
                case when is_suppressed and is_parent then n end
            ) over total_window, 0) as hidden_most
        from {{ 'members' if i == 1 else 'members_' ~ (i - 1) }}
        window total_window as (
            partition by fiscal_year, fiscal_quarter, driver, total_key
        )

    ),

    -- in each total that gives its hidden members away (one hidden member, or hidden
    -- members that can only be all positive or all negative): the shown child with the
    -- fewest answers, one with mixed answers first, else the total itself
    candidates_{{ i }} as (

        select
            *,
            not is_suppressed
            and (
                n_suppressed_members = 1
                or (
                    n_suppressed_members > 1
                    and hidden_sum in (hidden_least, hidden_most)
                )
            ) as is_candidate
        from totals_{{ i }}

    ),

    picks_{{ i }} as (

        select
            *,
            is_candidate and row_number() over (
                partition by fiscal_year, fiscal_quarter, driver, total_key
                order by
                    is_candidate desc,
                    is_parent asc,
                    (n_positive = 0 or n_positive = n) asc,
                    n asc,
                    cell_key asc
            ) = 1 as is_pick
        from candidates_{{ i }}

    ),

    -- a cell picked in any of its totals is suppressed in all of them
    members_{{ i }} as (

        select
            {{ carried | join(',\n            ') }},
            max(is_suppressed or is_pick) over (
                partition by fiscal_year, fiscal_quarter, driver, cell_key
            ) as is_suppressed
        from picks_{{ i }}

    ),
{%- endfor %}

-- every cell with its flag after the last pass (its row in its channels total), and
-- what int_score_cells_protected reads of each fiscal quarter x driver as one digest:
-- a group whose digest did not change is not solved again there
flagged as (

    select
        cells.*,
        flags.is_suppressed,
        md5({{ ordered_string_agg(
            "concat_ws(
                '|',
                cells.cell_key,
                coalesce(cells.agency_key, ''),
                cast(cells.n as " ~ dbt.type_string() ~ "),
                cast(cells.n_positive as " ~ dbt.type_string() ~ "),
                cast(flags.is_suppressed as " ~ dbt.type_string() ~ ")
            )",
            "';'", 'cells.cell_key',
            over='partition by cells.fiscal_year, cells.fiscal_quarter, cells.driver'
        ) }}) as group_digest
    from cells
    inner join members_{{ passes }} as flags
        on
            cells.fiscal_year = flags.fiscal_year
            and cells.fiscal_quarter = flags.fiscal_quarter
            and cells.driver = flags.driver
            and cells.cell_key = flags.cell_key
            and flags.total_kind = 'channels'

)

select
    cells.cell_level,
    cells.cell_id,
    cells.agency_code,
    cells.agency_key,
    cast(cells.fiscal_year as integer) as fiscal_year,
    cast(cells.fiscal_quarter as integer) as fiscal_quarter,
    cells.channel,
    cells.driver,
    cast(cells.n_services as integer) as n_services,
    cast(cells.n as bigint) as n,
    cast(cells.n_positive as bigint) as n_positive,
    cast(cells.n_likert as bigint) as n_likert,
    cast(cells.likert_sum as bigint) as likert_sum,
    cells.is_suppressed,
    case
        when cells.is_primary_suppressed then 'primary'
        when cells.is_suppressed then 'complementary'
    end as suppression_reason,
    cells.group_digest
from flagged as cells
