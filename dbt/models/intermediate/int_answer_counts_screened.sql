-- Every answer's counts less those of suspect responses (screening), per quarterly score
-- cell and answer value: what the quarterly scores (int_score_cells_suppressed) and the
-- dashboard's answer distributions (agg_answer_distribution) count. A row whose answers
-- are all suspect, or were all replaced (n = 0 in int_answers_aggregated), is left out.
-- Suspect answers are a subset of every answer, so each has its row to subtract from.
with

cells as (

    select * from {{ ref('int_answers_aggregated') }}

),

suspect as (

    select * from {{ ref('int_suspect_answer_cells') }}

)

select
    cells.service_id,
    cells.agency_code,
    cells.fiscal_year,
    cells.fiscal_quarter,
    cells.channel,
    cells.driver,
    cells.scale,
    cells.answer_value,
    cells.n - coalesce(suspect.n, 0) as n,
    cells.n_positive - coalesce(suspect.n_positive, 0) as n_positive,
    cells.n_likert - coalesce(suspect.n_likert, 0) as n_likert,
    cells.likert_sum - coalesce(suspect.likert_sum, 0) as likert_sum
from cells
left join suspect
    on
        cells.service_id = suspect.service_id
        and cells.fiscal_year = suspect.fiscal_year
        and cells.fiscal_quarter = suspect.fiscal_quarter
        and cells.channel = suspect.channel
        and cells.driver = suspect.driver
        and cells.scale = suspect.scale
        and cells.answer_value = suspect.answer_value
where cells.n > coalesce(suspect.n, 0)
