-- How many gave each answer to each question: per service x fiscal quarter x channel
-- (and 'all') x driver x answer (scale, value), suspect responses (screening) left out,
-- as the quarterly scores count them. The dashboard's answer distribution and question
-- reach read these counts instead of the 52M-row answer fact; a response answers a
-- driver at most once, so a driver's answers are also the responses that answered it.
-- Rebuilt from the kept-up-to-date answer counts (thousands of rows), never the answers.
with

counts as (

    select * from {{ ref('int_answer_counts_screened') }}

)

select
    service_id,
    agency_code,
    cast(fiscal_year as integer) as fiscal_year,
    cast(fiscal_quarter as integer) as fiscal_quarter,
    coalesce(channel, 'all') as channel,  -- channel is never NULL in the counts
    driver,
    scale,
    cast(answer_value as integer) as answer_value,
    cast(sum(n) as bigint) as n_answers
from counts
-- rollup (channel): each channel, then the 'all' row over every channel
group by
    service_id, agency_code, fiscal_year, fiscal_quarter, driver, scale, answer_value,
    rollup(channel)
