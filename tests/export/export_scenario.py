"""The export's own rows, added on top of the core dbt fixture (tests/dbt/fixture.py).

The core fixture's FY2025 Q2 (Jan–Mar 2025) already holds, by hand:
- dos-passport, web, legacy A-11 form F-LEGACY: 12 responses (satisfaction, ease;
  ease 6 of 12 positive); volumes 300 customers / 24 offered a survey;
- irs-refund-status, web, current form F-V2 (thumbs): 2 responses (trust up, down);
- irs-refund-status, mobile, F-RADIO (1–5): 2 responses (trust 4 and 3);
- agency API: R2 irs-file-return web, R3 fsa-fafsa web, R4 fsa-fafsa mobile (thumbs);
- contact center VA-BENEFITS (va-disability-claim, phone): 3 calls (Likert).
This module adds a service with enough answers for unsuppressed scores, and a
journey-stage response linked to a case (post_service_journey).
"""

from datetime import timedelta

from tests.dbt.fixture import (
    build_fixture,
    insert_agency_api,
    insert_service_volumes,
    insert_touchpoints,
    utc,
)

# ssa-retirement, web, legacy A-11 form F-SSA, FY2025 Q2 (from 5 Jan 2025).
SSA_TRUST = [5, 5, 4, 4, 4, 3, 3, 2, 1, 5, 4, 4]  # n 12, positive 8: 66.67
SSA_EFFECTIVENESS = [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]  # n 12, positive 6: 50.0
SSA_EASE = [5, 5, None, 4, 3, 2, None, 5, 4, 1, None, 5]  # n 9 (< 10): suppressed
SSA_VOLUMES = {"volume_of_customers": 500, "volume_offered_survey": 100}


def ssa_rows() -> list[dict]:
    rows = []
    for i, (trust, eff, ease) in enumerate(
        zip(SSA_TRUST, SSA_EFFECTIVENESS, SSA_EASE, strict=True)
    ):
        rows.append(
            {
                "submission_id": f"ssa-{i}",
                "form_id": "F-SSA",
                "form_kind": "a11",
                "service_id": "ssa-retirement",
                "channel": "web",
                "created_at": utc("2025-01-05 10:00") + timedelta(days=i),
                "trust": trust,
                "effectiveness": eff,
                "ease": ease,
                "comment": "Quick and clear" if i == 0 else None,
            }
        )
    return rows


def journey_rows() -> list[dict]:
    """A FAFSA response at the submit-fafsa stage of case CASE-2 (Likert answers)."""
    return [
        {
            "response_id": "R10",
            "service_id": "fsa-fafsa",
            "channel": "web",
            "submitted_at": utc("2025-03-10 09:00"),
            "case_id": "CASE-2",
            "stage": "submit-fafsa",
            "answers": [("trust", "likert5", "5"), ("effectiveness", "likert5", "3")],
        }
    ]


def build_export_fixture(con) -> None:
    build_fixture(con)
    insert_touchpoints(con, ssa_rows(), source_file="touchpoints/ssa.csv")
    insert_agency_api(con, journey_rows(), source_file="agency_api/journey.jsonl")
    insert_service_volumes(
        con,
        [
            {
                "service_id": "ssa-retirement",
                "fiscal_year": 2025,
                "fiscal_quarter": 2,
                "channel": "web",
                **SSA_VOLUMES,
            }
        ],
        source_file="service_volumes/ssa.csv",
    )
