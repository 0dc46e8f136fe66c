-- The comment themes the dashboard names (seed comment_themes), without their patterns.
select
    cast(theme as varchar) as theme,
    cast(theme_label as varchar) as theme_label,
    cast(description as varchar) as description
from {{ ref('comment_themes') }}
