-- One row per service (seed services): the HISP, agency, journey and benchmark sector.
select
    cast(service_id as varchar) as service_id,
    cast(agency_code as varchar) as agency_code,
    cast(provider as varchar) as provider,
    cast(service_name as varchar) as service_name,
    cast(journey_id as varchar) as journey_id,
    cast(benchmark_sector as varchar) as benchmark_sector
from {{ ref('services') }}
