"""How each service behaves in the demo: volume, season, quality, channels, wording.

Numbers are invented but shaped like the real thing: a slow service scores low on
efficiency and a little lower on trust. Like real services, they hold their level from
quarter to quarter (moving only within sampling noise) except for what is written here:

- `SEASON_DIP`: in a service's peak-volume months a backlog builds up and answers dip,
  efficiency and trust most;
- `INITIATIVE_LIFT`: after a CX Action Plan initiative starts (dbt/seeds/action_plans.csv)
  its service's target driver improves, ramping up over `RAMP_DAYS` to a lasting lift
  that depends on the initiative's status (an `at_risk` or `planned` one does nothing);
- `INCIDENTS`: two planted one-quarter incidents for the alert rules to find.

`changes.py` turns these into per-day driver offsets and per-quarter abandon chances.
A service added to `dbt/seeds/services.csv` without a profile gets `DEFAULT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dagster_project.core.reference import channels_in_order, drivers_where

# A-11 drivers the generator scores, in driver_order everywhere: the core drivers of
# seed a11_questions (`other` is only ticked). Channels in the seed's channel_order.
DRIVERS = drivers_where("is_core_a11")
D = {d: i for i, d in enumerate(DRIVERS)}
CHANNELS = channels_in_order()
C = {c: i for i, c in enumerate(CHANNELS)}

# Multiplier of the response volume by calendar month, January first.
SEASONS = {
    "flat": (1.0,) * 12,
    "tax": (1.9, 2.6, 2.4, 2.8, 1.0, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5),
    "fafsa": (1.8, 1.7, 1.5, 0.6, 0.5, 0.5, 0.5, 0.6, 0.7, 2.2, 1.9, 1.7),
    "disaster": (0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 2.0, 2.6, 2.2, 0.6, 0.6),
    "summer": (0.7, 0.7, 0.9, 1.1, 1.5, 2.0, 2.1, 1.6, 0.9, 0.8, 0.9, 1.0),
    "enrollment": (0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.9, 2.0, 2.3, 1.7),
}

API_CHANNELS = {
    "web": 0.45,
    "mobile": 0.2,
    "in_person": 0.12,
    "email": 0.12,
    "chat": 0.06,
    "mail": 0.05,
}
TP_CHANNELS = {"web": 0.68, "mobile": 0.27, "chat": 0.03, "in_person": 0.02}
# How the agency platform encodes thumbs: (up, down) as JSON literals.
THUMBS = {
    "10": ("1", "0"),
    "updown": ('"up"', '"down"'),
    "yesno": ('"yes"', '"no"'),
    "emoji": ('"👍"', '"👎"'),
}

# Channel effects on drivers (hold queues are slow, people are kind in person).
CHANNEL_EFFECT = {
    "phone": {"efficiency": -0.3, "employee": 0.2},
    "in_person": {"humanity": 0.25, "employee": 0.3, "efficiency": -0.2},
    "chat": {"efficiency": 0.1},
    "mail": {"efficiency": -0.45, "ease": -0.1},
    "mobile": {"ease": 0.1},
}


@dataclass(frozen=True)
class Profile:
    weight: float = 0.6  # relative response volume
    season: str = "flat"
    base: float = 0.0  # overall experience (latent scale)
    effects: dict[str, float] = field(default_factory=dict)  # driver offsets
    api_channels: dict[str, float] = field(default_factory=lambda: API_CHANNELS)
    api_thumbs: str | None = None  # THUMBS key when the agency platform asks thumbs
    thing: str = "my application"  # what customers call it in comments
    domain: str = "www.usa.gov"
    paths: tuple[str, ...] = ("", "apply", "status", "contact-us")
    trend: float = 0.0  # change of `base` per year: none, real services do not drift


DEFAULT = Profile()

PROFILES: dict[str, Profile] = {
    "fsa-fafsa": Profile(1.3, "fafsa", 0.3, {"efficiency": -0.4, "transparency": -0.3},
                         thing="the FAFSA form", domain="studentaid.gov", paths=("", "h/apply-for-aid/fafsa", "fafsa-app/login")),
    "fsa-loan-repayment": Profile(0.9, "flat", 0.05, {"transparency": -0.45, "efficiency": -0.2},
                                  thing="my loan repayment plan", domain="studentaid.gov", paths=("manage-loans/repayment", "idr", "app/ibrInstructions.action")),
    "irs-file-return": Profile(1.6, "tax", 0.4, {"ease": -0.3},
                               thing="my tax return", domain="www.irs.gov", paths=("filing", "filing/free-file-do-your-federal-taxes-for-free", "directfile")),
    "irs-refund-status": Profile(1.2, "tax", 0.3, {"transparency": -0.5, "efficiency": -0.3}, api_thumbs="10",
                                 thing="my refund", domain="www.irs.gov", paths=("refunds", "wheres-my-refund", "refunds/tax-season-refund-frequently-asked-questions")),
    "ssa-retirement": Profile(0.8, "flat", 0.45, {"employee": 0.3},
                              api_channels={"web": 0.4, "mobile": 0.1, "in_person": 0.3, "email": 0.05, "chat": 0.05, "mail": 0.1},
                              thing="my retirement application", domain="www.ssa.gov", paths=("retirement", "apply/retirement", "myaccount")),
    "ssa-disability": Profile(0.6, "flat", -0.4, {"efficiency": -1.0, "transparency": -0.4},
                              thing="my disability claim", domain="www.ssa.gov", paths=("disability", "apply/disability", "disability/appeal")),
    "va-health-appointment": Profile(0.9, "flat", 0.65, {"employee": 0.4, "humanity": 0.3}, api_thumbs="yesno",
                                     api_channels={"web": 0.25, "mobile": 0.15, "in_person": 0.45, "email": 0.1, "chat": 0.05},
                                     thing="my appointment", domain="www.va.gov", paths=("health-care/schedule-view-va-appointments", "my-health", "find-locations")),
    "va-disability-claim": Profile(0.7, "flat", 0.0, {"efficiency": -0.9},
                                   thing="my VA claim", domain="www.va.gov", paths=("disability/file-disability-claim-form-21-526ez", "claim-or-appeal-status", "disability")),
    "dos-passport": Profile(0.9, "summer", 0.4, {"efficiency": -1.0, "transparency": -0.2}, api_thumbs="updown",
                            api_channels={"web": 0.3, "in_person": 0.3, "mail": 0.25, "email": 0.1, "chat": 0.05},
                            thing="my passport", domain="travel.state.gov", paths=("content/travel/en/passports.html", "passport-status", "renew-online")),
    "uscis-naturalization": Profile(0.5, "flat", 0.1, {"efficiency": -0.8, "transparency": -0.3},
                                    thing="my N-400 application", domain="www.uscis.gov", paths=("citizenship", "n-400", "case-status")),
    "tsa-screening": Profile(1.0, "summer", 0.5, {"efficiency": 0.3, "humanity": -0.15}, api_thumbs="emoji",
                             api_channels={"in_person": 0.85, "mobile": 0.1, "web": 0.05},
                             thing="the security line", domain="www.tsa.gov", paths=("travel/security-screening", "precheck", "contact-center")),
    "fema-disaster-aid": Profile(0.4, "disaster", -0.2, {"transparency": -0.6, "ease": -0.4},
                                 thing="my disaster assistance application", domain="www.disasterassistance.gov", paths=("", "get-assistance/apply", "information/check-status")),
    "cms-medicare-enrollment": Profile(0.6, "enrollment", 0.25, {"ease": -0.3},
                                       thing="my Medicare enrollment", domain="www.medicare.gov", paths=("basics/get-started-with-medicare", "plan-compare", "account/login")),
    "sba-loan": Profile(0.4, "flat", 0.15, {"efficiency": -0.3},
                        thing="my loan application", domain="www.sba.gov", paths=("funding-programs/loans", "lender-match", "disaster")),
}  # fmt: skip

# Journeys: per-stage experience effect, chance of abandoning at the stage, median days
# spent in it, and which service answers for it. Unknown journeys use JOURNEY_DEFAULT.
# An incident of INCIDENTS may set a stage's abandon chance for one quarter.
JOURNEYS = {
    "student-aid": {
        "effect": (0.2, -0.3, -0.5, 0.1, 0.0),
        "abandon": (0.08, 0.10, 0.03, 0.04, 0.0),
        "days": (1, 6, 45, 14, 40),
        "season": "fafsa", "share": 0.4,
    },
    "tax-filing": {
        "effect": (0.0, 0.3, -0.6, 0.4),
        "abandon": (0.08, 0.03, 0.01, 0.0),
        "days": (12, 1, 21, 5),
        "season": "tax", "share": 0.4,
        "stage_service": {"processing": "irs-refund-status", "refund-issued": "irs-refund-status"},
    },
    "disability-claim": {
        "effect": (0.0, -0.5, -0.1, -0.6, 0.3),
        "abandon": (0.05, 0.12, 0.06, 0.02, 0.0),
        "days": (5, 60, 45, 70, 30),
        "season": "flat", "share": 0.2,
    },
}  # fmt: skip
JOURNEY_DEFAULT = {"abandon": 0.05, "days": 14, "effect": 0.0, "season": "flat", "share": 0.1}
CASE_PREFIX = {
    "fsa-fafsa": "FSA",
    "irs-file-return": "IRS",
    "ssa-disability": "SSA-DIB",
    "va-disability-claim": "VBA",
}


# Seasonal backlog: offsets (latent scale) of each driver in a month whose volume (the
# service's SEASONS multiplier) is twice its yearly mean, proportional to the excess over
# the mean below that (tax season's March: -0.25 on efficiency; flat services: none).
# Over a peak quarter efficiency falls 5-10 points, trust a few: at 200,000 responses
# the tax and FAFSA seasons' efficiency dips are significant score_drop alerts.
SEASON_DIP = {
    "efficiency": -0.25,
    "trust": -0.15,
    "transparency": -0.1,
    "satisfaction": -0.08,
    "ease": -0.05,
}

# CX Action Plan initiatives: the lasting lift (latent scale) of an initiative's target
# driver by its status in the seed, reached RAMP_DAYS after its start_date (linearly).
# At-risk initiatives have stalled and planned ones have not really started: no lift.
INITIATIVE_LIFT = {"completed": 0.45, "in_progress": 0.35, "at_risk": 0.0, "planned": 0.0}
INITIATIVE_LIFT_OTHER = 0.3  # a status not listed above
RAMP_DAYS = 182  # about two quarters


# Planted incidents (docs/alerts.md), each lasting one fiscal quarter: the alert rules
# must find them (tests/integration/test_planted_alerts.py), the raw files must show
# them (tests/generate/test_realism.py).
@dataclass(frozen=True)
class Incident:
    """Something that went wrong in one fiscal quarter, planted for the alerts to find:
    offsets of a service's drivers (latent scale), or a journey stage's abandon chance."""

    fiscal_year: int
    fiscal_quarter: int
    service_id: str = ""
    drivers: dict[str, float] = field(default_factory=dict)
    stage: str = ""  # "journey_id/stage_key"
    abandon: float = 0.0
    story: str = ""


INCIDENTS = (
    Incident(
        2025, 4, service_id="dos-passport",
        drivers={"efficiency": -1.2, "trust": -0.8, "transparency": -0.4, "satisfaction": -0.3},
        story="A summer backlog (Jul-Sep 2025): applications pile up, processing times double; "
        "efficiency and trust fall by 20+ points (score_drop alerts at 20,000 responses and "
        "more) and recover in FY2026 Q1.",
    ),
    Incident(
        2024, 2, stage="student-aid/submit-fafsa", abandon=0.4,
        story="The new FAFSA form's rocky launch (Jan-Mar 2024): four in ten students who "
        "start it give up instead of one in ten (a dropoff_rise alert), back to normal in Q3.",
    ),
)  # fmt: skip


def profile(service_id: str) -> Profile:
    return PROFILES.get(service_id, DEFAULT)
