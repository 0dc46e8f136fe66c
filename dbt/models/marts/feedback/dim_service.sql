-- One row per service (seed services): the HISP, agency, journey and benchmark sector.
select
    cast(service_id as {{ dbt.type_string() }}) as service_id,
    cast(agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(provider as {{ dbt.type_string() }}) as provider,
    cast(service_name as {{ dbt.type_string() }}) as service_name,
    cast(journey_id as {{ dbt.type_string() }}) as journey_id,
    cast(benchmark_sector as {{ dbt.type_string() }}) as benchmark_sector
from {{ ref('services') }}
