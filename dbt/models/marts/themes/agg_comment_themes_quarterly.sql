-- What customers write about, per service x fiscal quarter x theme: comments on the
-- theme, their share of the service-quarter's comments, mean sentiment, and the change
-- in share from the previous fiscal quarter with the two-proportion test. A theme is
-- emerging when its share rose significantly and it has at least min_reportable_n
-- comments. A service-quarter with fewer than min_reportable_n comments is suppressed
-- (a share is a score over its comments): its counts of comments per theme are not shown.
with

commented as (

    -- every service-quarter's comments (suspect responses left out), the denominator
    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        count(*) as n_commented
    from {{ ref('fct_response') }}
    where comment is not null and trim(comment) != '' and not is_suspect
    group by service_id, fiscal_year, fiscal_quarter

),

themed as (

    select
        service_id,
        fiscal_year,
        fiscal_quarter,
        theme,
        count(*) as n_comments,
        avg(comment_sentiment) as mean_sentiment
    from {{ ref('fct_comment_themes') }}
    group by service_id, fiscal_year, fiscal_quarter, theme

),

-- every theme for every service-quarter with comments (a theme nobody wrote about has 0)
cells as (

    select
        commented.service_id,
        commented.fiscal_year,
        commented.fiscal_quarter,
        themes.theme,
        commented.n_commented,
        coalesce(themed.n_comments, 0) as n_comments,
        themed.mean_sentiment
    from commented
    cross join {{ ref('comment_themes') }} as themes
    left join themed
        on
            commented.service_id = themed.service_id
            and commented.fiscal_year = themed.fiscal_year
            and commented.fiscal_quarter = themed.fiscal_quarter
            and themes.theme = themed.theme

),

compared as (

    select
        cells.*,
        previous.n_commented as prev_n_commented,
        previous.n_comments as prev_n_comments
    from cells
    left join cells as previous
        on
            cells.service_id = previous.service_id
            and cells.theme = previous.theme
            and previous.fiscal_year
            = {{ prev_fiscal_year('cells.fiscal_year', 'cells.fiscal_quarter') }}
            and previous.fiscal_quarter = {{ prev_fiscal_quarter('cells.fiscal_quarter') }}

),

measured as (

    select
        *,
        100.0 * n_comments / n_commented as theme_share,
        100.0 * prev_n_comments / prev_n_commented as prev_theme_share,
        {{ two_proportion_p_value(
            'n_comments', 'n_commented', 'prev_n_comments', 'prev_n_commented'
        ) }} as p_value,
        n_commented < {{ var('min_reportable_n') }} as is_suppressed,
        coalesce(prev_n_commented, 0) < {{ var('min_reportable_n') }} as prev_is_suppressed
    from compared

)

select
    cast(service_id as {{ dbt.type_string() }}) as service_id,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    cast(theme as {{ dbt.type_string() }}) as theme,
    cast(n_commented as bigint) as n_commented,
    cast(n_comments as bigint) as n_comments,
    cast(theme_share as double) as share,  -- noqa: RF04
    cast(mean_sentiment as double) as mean_sentiment,
    cast(prev_theme_share as double) as prev_share,
    cast(theme_share - prev_theme_share as double) as share_change,
    cast(p_value as double) as p_value,
    coalesce(p_value < {{ var('significance_alpha') }}, false) as is_change_significant,
    coalesce(
        p_value < {{ var('significance_alpha') }}
        and theme_share > prev_theme_share
        and n_comments >= {{ var('min_reportable_n') }}
        and not is_suppressed
        and not prev_is_suppressed,
        false
    ) as is_emerging,
    is_suppressed,
    prev_is_suppressed
from measured
