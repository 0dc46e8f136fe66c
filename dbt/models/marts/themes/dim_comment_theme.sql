-- The comment themes the dashboard names (seed comment_themes), without their patterns.
select
    cast(theme as {{ dbt.type_string() }}) as theme,
    cast(theme_label as {{ dbt.type_string() }}) as theme_label,
    cast(description as {{ dbt.type_string() }}) as description
from {{ ref('comment_themes') }}
