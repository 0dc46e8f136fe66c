"""Service detail: driver trends, answer distributions, channels, key drivers, comments."""

from __future__ import annotations

import pandas as pd

from app.queries.common import MIN_N, Scope, conditions
from app.queries.engine import run

SENTIMENTS = {  # VADER's conventional cut-offs on the compound score
    "negative": "comment_sentiment < -0.05",
    "neutral": "comment_sentiment between -0.05 and 0.05",
    "positive": "comment_sentiment > 0.05",
}


def driver_trend(scope: Scope) -> pd.DataFrame:
    """Each driver's score and Wilson band for every quarter up to the selected one."""
    return run(
        """
        select q.fiscal_year, q.fiscal_quarter,
               'FY' || q.fiscal_year || ' Q' || q.fiscal_quarter as quarter_label,
               q.driver, d.driver_label, d.driver_order, q.n, q.is_suppressed,
               case when not q.is_suppressed then q.score end as score,
               case when not q.is_suppressed then q.ci_low end as ci_low,
               case when not q.is_suppressed then q.ci_high end as ci_high
        from marts.agg_quarterly_service_scores q
        join marts.dim_driver d on d.driver = q.driver
        where q.service_id = ? and q.channel = ?
          and q.fiscal_year * 10 + q.fiscal_quarter <= ?
        order by d.driver_order, q.fiscal_year, q.fiscal_quarter
        """,
        (scope.service, scope.channel, scope.fiscal_year * 10 + scope.fiscal_quarter),
    )


def answer_distribution(scope: Scope) -> pd.DataFrame:
    """How many gave each answer to each question (1–5, thumbs, ticks), with the
    answer's label and tone from dim_answer_value (counts: marts.agg_answer_distribution,
    suspect responses left out)."""
    where, params = conditions(scope, period="a.", service="a.service_id", agency=None,
                               channel="a.channel", channel_all_row=True)  # fmt: skip
    return run(
        f"""
        select a.driver, d.driver_label, d.driver_order, a.scale, a.answer_value,
               v.answer_label as answer, v.is_positive, v.is_negative,
               sum(a.n_answers) as n_answers
        from marts.agg_answer_distribution a
        join marts.dim_driver d on d.driver = a.driver
        join marts.dim_answer_value v on v.scale = a.scale and v.answer_value = a.answer_value
        -- A question whose score cell is suppressed (too few answers, or complementary)
        -- shows no split: the split would give the score away. (The qualify below says
        -- the same for the answers in scope, whatever the cell.)
        join marts.agg_quarterly_service_scores q
          on q.service_id = a.service_id and q.fiscal_year = a.fiscal_year
         and q.fiscal_quarter = a.fiscal_quarter and q.driver = a.driver
         and q.channel = a.channel and not q.is_suppressed
        where {where}
        group by a.driver, d.driver_label, d.driver_order, a.scale, a.answer_value,
                 v.answer_label, v.is_positive, v.is_negative
        qualify sum(sum(a.n_answers)) over (partition by a.driver) >= {MIN_N}
        order by d.driver_order, a.scale, a.answer_value desc
        """,
        params,
    )


def question_reach(scope: Scope) -> pd.DataFrame:
    """How many responses answered each question, in question order: where people stop.
    A response answers a driver at most once, so a driver's answers
    (marts.agg_answer_distribution) are the responses that answered it."""
    where, params = conditions(scope, period="", service="service_id", agency=None,
                               channel="channel")  # fmt: skip
    answered_where, answered_params = conditions(
        scope, period="", service="service_id", agency=None, channel="channel",
        channel_all_row=True,
    )  # fmt: skip
    return run(
        f"""
        with responses as (
            select count(*) as n_responses from marts.fct_response
            where {where} and not is_suspect
        ),
        answered as (
            select driver, sum(n_answers) as n_answered
            from marts.agg_answer_distribution
            where {answered_where}
            group by driver
        )
        select d.driver_label, d.driver_order, a.n_answered, r.n_responses,
               a.n_answered / nullif(r.n_responses, 0) as share_answered
        from answered a
        join marts.dim_driver d using (driver)
        cross join responses r
        order by d.driver_order
        """,
        (*params, *answered_params),
    )


def channel_breakdown(scope: Scope) -> pd.DataFrame:
    """Responses, response rate and trust/satisfaction per channel of one service."""
    return run(
        """
        with scores as (
            select channel,
                   max(n) filter (where driver = 'trust') as trust_n,
                   max(case when driver = 'trust' and not is_suppressed then score end)
                       as trust_score,
                   max(n) filter (where driver = 'satisfaction') as satisfaction_n,
                   max(case when driver = 'satisfaction' and not is_suppressed then score end)
                       as satisfaction_score
            from marts.agg_quarterly_service_scores
            where service_id = ? and fiscal_year = ? and fiscal_quarter = ?
              and channel <> 'all'
            group by channel
        )
        select coalesce(c.channel_label, s.channel, r.channel) as channel,
               r.n_responses, r.response_rate, s.trust_n, s.trust_score,
               s.satisfaction_n, s.satisfaction_score
        from scores s
        full join (
            select channel, n_responses, response_rate from marts.agg_response_rates
            where service_id = ? and fiscal_year = ? and fiscal_quarter = ?
              and channel <> 'all'
        ) r using (channel)
        left join marts.dim_channel c on c.channel = coalesce(s.channel, r.channel)
        order by r.n_responses desc nulls last, channel
        """,
        (scope.service, scope.fiscal_year, scope.fiscal_quarter) * 2,
    )


def key_drivers(scope: Scope) -> pd.DataFrame:
    """Which drivers move trust (marts.agg_key_drivers): per driver, the difference in
    trust-positive share between a positive and a non-positive answer with its 95 %
    Wald interval, and phi; a suppressed driver (a group of too few responses, or a
    channel the total would give away) has its n only, and says why. Largest
    difference first."""
    return run(
        """
        select d.driver_label, d.driver_order, k.n_paired as n,
               k.n_driver_positive, k.n_driver_not_positive,
               k.trust_share_if_positive, k.trust_share_if_not_positive, k.difference,
               k.difference_ci_low as diff_ci_low, k.difference_ci_high as diff_ci_high,
               k.phi, k.is_suppressed,
               case k.suppression_reason
                 when 'primary' then 'a group of fewer than ' || r.min_reportable_n || ' responses'
                 when 'complementary' then 'would reveal a suppressed channel through the total'
               end as why_suppressed
        from marts.agg_key_drivers k
        join marts.dim_driver d using (driver)
        cross join marts.dim_reporting_rules r
        where k.service_id = ? and k.fiscal_year = ? and k.fiscal_quarter = ?
          and k.channel = ?
        order by abs(k.difference) desc nulls last, d.driver_order
        """,
        (scope.service, scope.fiscal_year, scope.fiscal_quarter, scope.channel),
    )


def recent_comments(
    scope: Scope, sentiment: str | None = None, driver: str | None = None, limit: int = 50
) -> pd.DataFrame:
    """The latest redacted comments, optionally by sentiment band and answered driver."""
    where, params = conditions(scope, period="r.", service="r.service_id", agency=None,
                               channel="r.channel")  # fmt: skip
    extra = ""
    if sentiment in SENTIMENTS:
        extra += " and r." + SENTIMENTS[sentiment]
    if driver:
        # the response's own bit set of answered drivers (dim_driver.driver_bit): no
        # read of the answer fact, whose quarter alone is millions of rows at 10M
        extra += (
            " and (r.answered_drivers"
            " & (select d.driver_bit from marts.dim_driver d where d.driver = ?)) <> 0"
        )
        params += [driver]
    return run(
        f"""
        select r.submitted_at, c.channel_label as channel, r.comment_sentiment, r.comment
        from marts.fct_response r
        left join marts.dim_channel c on c.channel = r.channel
        where {where} and r.comment is not null and r.comment <> '' and not r.is_suspect {extra}
        order by r.submitted_at desc
        limit ?
        """,
        (*params, int(limit)),
    )


def comment_themes(scope: Scope) -> pd.DataFrame:
    """What the service's customers wrote about this quarter, by theme
    (marts.agg_comment_themes_quarterly), most written-about first: comments, share of
    the quarter's comments, mean sentiment, change in share and whether it is emerging.
    A quarter with too few comments shows no counts or shares."""
    return run(
        """
        select t.theme_label, a.theme,
               case when not a.is_suppressed then a.n_comments end as n_comments,
               a.n_commented,
               case when not a.is_suppressed then a.share end as share,
               case when not a.is_suppressed then a.mean_sentiment end as mean_sentiment,
               case when not a.is_suppressed and not a.prev_is_suppressed
                    then a.share_change end as share_change,
               case when not a.is_suppressed and not a.prev_is_suppressed
                    then a.is_change_significant end as is_change_significant,
               a.is_emerging, a.is_suppressed
        from marts.agg_comment_themes_quarterly a
        join marts.dim_comment_theme t using (theme)
        where a.service_id = ? and a.fiscal_year = ? and a.fiscal_quarter = ?
        order by a.is_suppressed, a.share desc, t.theme_label
        """,
        (scope.service, scope.fiscal_year, scope.fiscal_quarter),
    )


def theme_examples(scope: Scope, per_theme: int = 3) -> pd.DataFrame:
    """The latest few (already redacted) comments on each theme this quarter."""
    return run(
        """
        select t.theme_label, r.submitted_at, r.comment_sentiment, r.comment
        from marts.fct_comment_themes c
        join marts.fct_response r using (response_key)
        join marts.dim_comment_theme t on t.theme = c.theme
        where c.service_id = ? and c.fiscal_year = ? and c.fiscal_quarter = ?
            -- the same service-quarter on the response side too: its zone maps then skip
            -- every other row group of fct_response (220 -> 80 ms at 10M responses)
            and r.service_id = ? and r.fiscal_year = ? and r.fiscal_quarter = ?
        qualify row_number() over (partition by c.theme order by r.submitted_at desc,
                                   r.response_key) <= ?
        order by t.theme_label, r.submitted_at desc
        """,
        (*(scope.service, scope.fiscal_year, scope.fiscal_quarter) * 2, int(per_theme)),
    )
