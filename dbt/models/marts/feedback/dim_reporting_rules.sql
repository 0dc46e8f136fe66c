-- The reporting rules every published number follows, published with the snapshot so
-- the dashboard and the export read them instead of repeating them (one row).
select
    cast({{ var('min_reportable_n') }} as integer) as min_reportable_n,
    cast({{ var('significance_alpha') }} as double) as significance_alpha,
    cast(0.95 as double) as confidence_level
