"""Free text: survey comments and contact-centre agent notes, chosen from pools.

A comment is an opener plus a detail about the response's best (positive tone) or worst
(negative tone) area, worded for the service ("my refund", "the FAFSA form"). Tone
follows the satisfaction score; unhappy customers write more often. About 1.2 % of
texts carry personal data (e-mail, US phone number, SSN) that loaders must redact.
Everything is chosen by index into dictionary-encoded columns: no per-row Python.
"""

from __future__ import annotations

import numpy as np

from dagster_project.generate.answers import tone, topic
from dagster_project.generate.population import DOMAINS, FIRST, LAST
from dagster_project.generate.world import World
from dagster_project.generate.world import dict_col as col

BAD = "\ue000"  # stands for a byte of legacy-encoded text; writers turn it into 0xE9
OPENERS = (
    (
        "",
        "",
        "Very frustrating. ",
        "Terrible experience. ",
        "Disappointed. ",
        "Unacceptable. ",
        "I’m fed up. ",
    ),
    ("", "", "Mixed feelings. ", "Not bad. ", "So-so. ", "Okay. "),
    (
        "",
        "",
        "Great experience. ",
        "Thank you! ",
        "Very happy. ",
        "Excellent service. ",
        "So much better than last time. ",
    ),
)
DETAILS = {  # tone -> topic (outcome, ease, speed, clarity, people) -> templates
    0: (("Still no resolution on {thing}.", "Nobody could fix the problem with {thing}.", "I was sent in circles and {thing} is still not done.", "The answer I got about {thing} was wrong."),
        ("The website kept logging me out while I worked on {thing}.", "Too many steps and confusing forms for {thing}.", "I could not upload my documents for {thing}.", "Couldn’t find the right form for {thing}."),
        ("I waited on hold for over two hours about {thing}.", "{Thing} has taken months with no end in sight.", "Way too slow, {thing} is still pending.", "I had to come back three times for {thing}."),
        ("No one could tell me the status of {thing}.", "The instructions for {thing} contradict each other.", "I have no idea what happens next with {thing}.", "The letter about {thing} made no sense."),
        ("The agent was rude and hung up on me.", "I felt like nobody cared about {thing}.", "Staff did not know the answer and would not transfer me.", "I was treated like a number, not a person.")),
    1: (("It worked in the end, but {thing} took a while.", "Some steps were confusing, but the staff helped.", "Okay experience overall.", "Fine, though the status page for {thing} could be clearer.",
         "Better than last year, still room to improve.", "Got it done eventually.", "Average. Nothing special about {thing}.", "The \"help\" page for {thing} was only partly helpful."),),
    2: (("I got exactly what I needed for {thing}.", "Everything about {thing} was sorted out in one go.", "{Thing} went through without any problems.", "My question about {thing} was fully answered."),
        ("The site was easy to use and {thing} was straightforward.", "Filling out {thing} online was simple.", "The steps for {thing} were easy to follow.", "Easy to find what I needed, even on my phone."),
        ("{Thing} took much less time than I expected.", "Fast and painless, {thing} was done in minutes.", "I didn’t have to wait at all this time.", "Quick turnaround on {thing}."),
        ("I always knew what would happen next with {thing}.", "Clear instructions and status updates on {thing}.", "The letter explained {thing} clearly.", "It was clear which documents I needed."),
        ("The agent was kind and patient with me.", "Staff treated me with respect and explained {thing}.", "The person who helped me with {thing} was very knowledgeable.", "Friendly, helpful staff.")),
}  # fmt: skip
LEGACY_TEXT = (
    f"My r{BAD}sum{BAD} upload for {{thing}} kept failing.",
    f"The caf{BAD} next to the office was closed.",
    f"Se{BAD}or, {{thing}} was confusing.",
)
NOTES = (
    ("Caller frustrated about wait time — escalated to supervisor.", "Caller upset that {thing} is still pending; advised to allow 30 more days.",
     "Caller said she’d been transferred four times.", "Caller disputes the decision on {thing}; sent appeal info.",
     "Caller’s documents were not on file; asked to resubmit.", "Caller angry, disconnected before resolution."),
    ("Verified identity; explained status of {thing}.", "Caller asked about {thing}; read the “next steps” letter with caller.",
     "Updated mailing address per caller request.", "Explained the two forms; caller will call back."),
    ("Caller thanked agent for resolving {thing} quickly.", "Issue resolved on first call — caller very pleased.",
     "Caller’s fiancé called on his behalf; issue resolved.", "Walked caller through the online form; caller said it was “so easy.”"),
)  # fmt: skip
PII_COMMENT = ((" You can reach me at {email}.", " Email me: {email}"), (" Call me at {phone}.", " My number is {phone}."),
               (" My SSN is {ssn} in case you need it.", " SSN {ssn}."))  # fmt: skip
PII_NOTE = (
    (" Caller asked for reply at {email}.",),
    (" Callback number {phone}.",),
    (" Caller read SSN {ssn} aloud; advised not to share it.",),
)
PII_RATE = 0.012


def _fill(template: str, thing: str) -> str:
    return template.format(thing=thing, Thing=thing[0].upper() + thing[1:])


class Pools:
    """Dictionaries of text and the index arithmetic to pick from them."""

    def __init__(self, world: World, rng: np.random.Generator, size: int = 512) -> None:
        things = [p.thing for p in world.profiles]
        self.openers = [o for tone in OPENERS for o in tone]
        self.op_off = np.cumsum([0] + [len(t) for t in OPENERS])[:-1]
        self.op_cnt = np.array([len(t) for t in OPENERS])
        self.details: list[str] = []
        self.det_off = np.zeros((len(things), 3, 5), np.int64)
        self.det_cnt = np.array(
            [[len(DETAILS[t][min(k, len(DETAILS[t]) - 1)]) for k in range(5)] for t in range(3)]
        )
        for s, thing in enumerate(things):
            for t in range(3):
                for k in range(len(DETAILS[t])):  # the mixed tone has one pool for all topics
                    self.det_off[s, t, k:] = len(self.details)
                    self.details += [_fill(x, thing) for x in DETAILS[t][k]]
        first_bad = len(self.details)
        self.bad_off = first_bad + np.arange(len(things)) * len(LEGACY_TEXT)
        self.details += [_fill(x, thing) for thing in things for x in LEGACY_TEXT]
        self.notes = [_fill(x, thing) for thing in things for tone in NOTES for x in tone]
        per_tone = np.cumsum([0] + [len(t) for t in NOTES])[:-1]
        self.note_off = (np.arange(len(things)) * sum(map(len, NOTES)))[:, None] + per_tone
        self.note_cnt = np.array([len(t) for t in NOTES])
        # PII sentences: index = variant · 3 · size + kind · size + value (kind: e-mail, phone, SSN)
        values = _pii_values(rng, size)
        n_variants = max(len(kind) for kind in PII_COMMENT)
        self.pii = [
            kind[v % len(kind)].format(**x)
            for v in range(n_variants)
            for kind in PII_COMMENT
            for x in values
        ]
        self.pii_note = [t.format(**x) for kind in PII_NOTE for x in values for t in kind]
        self.size = size

    def comments(self, rng, svc, y, p_text: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indexes into (openers, details, pii); -1 = none (no detail = no comment)."""
        n = len(svc)
        t = tone(y[0])
        k = topic(y, t, rng)
        has = rng.random(n) < p_text + 0.15 * (t == 0)
        r = rng.integers(0, 1 << 30, (2, n))
        op = self.op_off[t] + r[0] % self.op_cnt[t]
        det = self.det_off[svc, t, k] + r[1] % self.det_cnt[t, k]
        pii = self._pii_index(rng, has, len(self.pii) // 3 // self.size)
        return np.where(has, op, -1), np.where(has, det, -1), pii

    def notes_for(self, rng, svc, y, p_text: float) -> tuple[np.ndarray, np.ndarray]:
        """Indexes into (notes, pii_note); -1 = none."""
        n = len(svc)
        t = tone(y[0])
        has = rng.random(n) < p_text
        note = self.note_off[svc, t] + rng.integers(0, 1 << 30, n) % self.note_cnt[t]
        return np.where(has, note, -1), self._pii_index(rng, has, 1)

    def columns(self, op, det, pii) -> dict:
        """Dictionary-encoded text columns for SQL: `op || det || coalesce(pii, '')`."""
        return {
            "op": col(op, self.openers),
            "det": col(det, self.details),
            "pii": col(pii, self.pii),
        }

    def legacy_detail(self, rng, svc) -> np.ndarray:
        """Detail indexes of text that still holds a legacy-encoded byte."""
        return self.bad_off[svc] + rng.integers(0, len(LEGACY_TEXT), len(svc))

    def _pii_index(self, rng, has, variants: int) -> np.ndarray:
        n = len(has)
        kind, value = rng.integers(0, 3, n), rng.integers(0, self.size, n)
        variant = rng.integers(0, variants, n)
        idx = variant * 3 * self.size + kind * self.size + value
        return np.where(has & (rng.random(n) < PII_RATE), idx, -1)


def _pii_values(rng: np.random.Generator, size: int) -> list[dict[str, str]]:
    """Synthetic personal data: example.* e-mails, 555-01xx phone numbers, fake SSNs."""
    first, last = rng.integers(0, len(FIRST), size), rng.integers(0, len(LAST), size)
    dom, num = rng.integers(0, len(DOMAINS), size), rng.integers(1, 100, size)
    area, line, style = (
        rng.integers(201, 990, size),
        rng.integers(100, 200, size),
        rng.integers(0, 4, size),
    )
    ssn = np.stack(
        [rng.integers(100, 666, size), rng.integers(1, 100, size), rng.integers(1, 10000, size)],
        axis=1,
    )
    phone_styles = (
        "({a}) 555-0{l:03d}",
        "{a}-555-0{l:03d}",
        "{a}.555.0{l:03d}",
        "+1 {a} 555 0{l:03d}",
    )
    return [
        {"email": f"{FIRST[first[i]]}.{LAST[last[i]]}{num[i]}@{DOMAINS[dom[i]]}",
         "phone": phone_styles[style[i]].format(a=area[i], l=line[i]),
         "ssn": f"{ssn[i, 0]:03d}-{ssn[i, 1]:02d}-{ssn[i, 2]:04d}"}
        for i in range(size)
    ]  # fmt: skip
