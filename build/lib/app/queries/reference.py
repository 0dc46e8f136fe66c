"""Filter options: quarters with data, agencies, services, channels, drivers."""

from __future__ import annotations

import pandas as pd

from app.queries.engine import run


def data_quarters() -> pd.DataFrame:
    """Quarters that hold feedback, newest first (the default view is the first)."""
    return run(
        """
        select distinct fiscal_year, fiscal_quarter from marts.agg_quarterly_service_scores
        union
        select distinct fiscal_year, fiscal_quarter from marts.agg_response_rates
        order by fiscal_year desc, fiscal_quarter desc
        """
    )


def reporting_rules() -> pd.DataFrame:
    """The rules the snapshot was built with (dim_reporting_rules): min_reportable_n."""
    return run("select min_reportable_n from marts.dim_reporting_rules")


def fiscal_years() -> pd.DataFrame:
    """Every fiscal year the calendar or the data knows, newest first."""
    return run(
        """
        select distinct fiscal_year from marts.dim_fiscal_quarter
        union
        select distinct fiscal_year from marts.agg_quarterly_service_scores
        order by fiscal_year desc
        """
    )


def services() -> pd.DataFrame:
    return run(
        """
        select service_id, service_name, agency_code, provider, journey_id, benchmark_sector
        from marts.dim_service
        order by agency_code, service_name
        """
    )


def channels() -> pd.DataFrame:
    # dim_channel also holds the 'all' member the aggregates join to; the filter adds
    # its own "All channels" option.
    return run(
        """
        select channel, channel_label from marts.dim_channel
        where channel <> 'all'
        order by channel_order, channel
        """
    )


def drivers() -> pd.DataFrame:
    return run("select driver, driver_label from marts.dim_driver order by driver_order")


def journeys() -> pd.DataFrame:
    return run(
        """
        select journey_id, any_value(journey_name) as journey_name
        from marts.dim_journey_stage
        group by journey_id
        order by journey_name
        """
    )
