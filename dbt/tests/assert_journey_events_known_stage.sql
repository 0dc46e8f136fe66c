-- Case events should name a stage of their own journey. Such events are dropped by
-- the stage pivot, so this only warns: the rest of the case is still measured.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_case_events__events'}}}) }}

select
    events.case_id,
    events.journey_id,
    events.stage_key,
    events.event,
    events.event_at,
    events._source_file,
    events._row_number
from {{ ref('stg_case_events__events') }} as events
left join {{ ref('journey_stages') }} as journey_stages
    on
        events.journey_id = journey_stages.journey_id
        and events.stage_key = journey_stages.stage_key
where journey_stages.stage_key is null
