"""Every chart of the dashboard: Plotly figures with a colour-blind-safe palette.

Each function returns (figure, text alternative). Colours come from Okabe & Ito's
palette (distinguishable with every common colour-vision deficiency) and the heatmap
uses Cividis, a sequential scale designed for it. Suppressed cells (n < 10) never
carry a colour value: their score is None and only their n is written.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from dagster_project.core.fiscal import fiscal_period, quarter_label

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]  # fmt: skip
GOOD, BAD, NEUTRAL = "#0072B2", "#D55E00", "#999999"
# Likert 1..5 from negative to positive, diverging through grey.
SCALE_ORDER = {"likert5": 0, "thumbs": 1, "indicator": 2}
LIKERT = {1: BAD, 2: "#E69F00", 3: NEUTRAL, 4: "#56B4E9", 5: GOOD}
# Legends sit under the title, never over the x axis and its title.
LEGEND_TOP = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0}
FONT = {"family": "Source Sans Pro, sans-serif", "size": 14, "color": "#262730"}


def _layout(fig: go.Figure, title: str, height: int = 380, **kwargs) -> go.Figure:
    top = 100 if "legend" in kwargs else 60
    fig.update_layout(title={"text": title, "x": 0}, font=FONT, height=height,
                      margin={"l": 10, "r": 10, "t": top, "b": 10},
                      plot_bgcolor="white", **kwargs)  # fmt: skip
    fig.update_xaxes(gridcolor="#E5E5E5", zerolinecolor="#BBBBBB")
    fig.update_yaxes(gridcolor="#E5E5E5", zerolinecolor="#BBBBBB")
    return fig


def _wrap(label: str, width: int = 12) -> str:
    """Break a tick label into lines of about `width` characters (<br>), so it can stay
    horizontal instead of being rotated into its neighbours or the title."""
    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _luminance(rgb: str) -> float:
    """WCAG relative luminance of an 'rgb(r, g, b)' colour."""
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : -1].split(",")]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink(score: object) -> str:
    """Black or white text for a Cividis cell of `score` (0–100): the higher contrast.
    A suppressed cell has no colour (white background): black."""
    if pd.isna(score):
        return "#000000"
    lum = _luminance(sample_colorscale("Cividis", [float(score) / 100])[0])
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _cell(score: object, n: object) -> str:
    if pd.isna(score):
        return f"suppressed (n={int(n):,})"
    return f"{score:.1f}<br>(n={int(n):,})"


def score_heatmap(df: pd.DataFrame, min_n: int) -> tuple[go.Figure, str]:
    """Service × driver positive share; suppressed cells blank with their n."""
    order = df.sort_values("driver_order").driver_label.unique().tolist()
    z = df.pivot(index="service_name", columns="driver_label", values="score")[order]
    n = df.pivot(index="service_name", columns="driver_label", values="n")[order]
    text = [[("" if pd.isna(n.iat[i, j]) else _cell(z.iat[i, j], n.iat[i, j]))
             for j in range(len(order))] for i in range(len(z))]  # fmt: skip
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=order, y=z.index.tolist(), text=text,
        texttemplate="", colorscale="Cividis", zmin=0,
        zmax=100, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        colorbar={"title": {"text": "Score"}, "thickness": 14}, xgap=2, ygap=2,
    ))  # fmt: skip
    # Each cell's text in black or white, whichever contrasts more with its colour
    # (Plotly's automatic choice put white on Cividis' mid greys).
    # All at once: Plotly re-validates every annotation on each add_annotation, so a
    # loop of them cost ~1 s of CPU for a 14 × 8 grid.
    fig.update_layout(annotations=[
        {"x": driver, "y": service, "text": text[i][j], "showarrow": False,
         "font": {"size": 13, "color": _ink(z.iat[i, j])}}
        for i, service in enumerate(z.index) for j, driver in enumerate(order) if text[i][j]
    ])  # fmt: skip
    fig.update_yaxes(autorange="reversed", gridcolor="white", ticksuffix=" ")
    # Driver names sit horizontally above their column, broken over two lines.
    fig.update_xaxes(side="top", gridcolor="white", tickangle=0, tickvals=order,
                     ticktext=[_wrap(d) for d in order])  # fmt: skip
    _layout(fig, "Score by service and driver (% positive)", height=170 + 52 * len(z))
    # The title at the very top, the two-line driver names between it and the cells.
    fig.update_layout(margin={"t": 110},
                      title={"y": 1, "yref": "container", "yanchor": "top",
                             "pad": {"t": 12}})  # fmt: skip
    suppressed = int(z.isna().to_numpy().sum() - n.isna().to_numpy().sum())
    alt = (f"Heatmap of {len(z)} services by {len(order)} drivers; darker is lower. "
           f"{suppressed} cells are suppressed (fewer than {min_n} answers) and show only n.")  # fmt: skip
    return fig, alt


def benchmark_bars(df: pd.DataFrame, driver_label: str = "Trust") -> tuple[go.Figure, str]:
    """A driver's score per service beside its sector benchmark."""
    shown = df[df.score.notna()].sort_values("score")
    colours = [GOOD if m else BAD for m in shown.meets_benchmark.fillna(False)]
    fig = go.Figure()
    fig.add_bar(x=shown.score, y=shown.service_name, orientation="h", marker_color=colours,
                name=f"{driver_label} score", text=[f"{s:.1f}" for s in shown.score],
                textposition="inside", insidetextanchor="start",
                textfont={"color": "white"})  # fmt: skip
    fig.add_scatter(x=shown.benchmark_score, y=shown.service_name, mode="markers",
                    name="Sector benchmark",
                    marker={"symbol": "line-ns-open", "size": 26, "color": "#000000",
                            "line": {"width": 3}})  # fmt: skip
    _layout(fig, f"{driver_label}: services against their sector benchmark",
            height=170 + 44 * max(len(shown), 1), legend=LEGEND_TOP)  # fmt: skip
    fig.update_xaxes(title="% positive", range=[0, 105])
    meets = int(shown.meets_benchmark.fillna(False).sum())
    alt = (
        f"{meets} of {len(shown)} services with enough answers meet their sector's "
        f"{driver_label.lower()} benchmark (blue bars meet it, orange-red bars do not)."
    )
    return fig, alt


def response_volume(df: pd.DataFrame) -> tuple[go.Figure, str]:
    shown = df.sort_values("n_responses")
    fig = go.Figure(go.Bar(x=shown.n_responses, y=shown.service_name, orientation="h",
                           marker_color=OKABE_ITO[0],
                           text=[f"{v:,}" for v in shown.n_responses], textposition="auto"))  # fmt: skip
    _layout(fig, "Responses by service", height=120 + 34 * max(len(shown), 1))
    fig.update_xaxes(title="Responses")
    top = df.sort_values("n_responses", ascending=False).iloc[0] if len(df) else None
    alt = (
        f"Bar chart of responses for {len(df)} services; most: {top.service_name} "
        f"({top.n_responses:,})."
        if top is not None
        else "No responses."
    )
    return fig, alt


def _quarter_ticks(labels: list[str]) -> list[str]:
    """Which quarter labels to write under a small trend chart: all of up to four;
    otherwise each fiscal year's Q1 (and the first quarter when no Q1 is near it), so
    the labels stay horizontal and apart instead of rotated into a column."""
    if len(labels) <= 4:
        return labels
    q1 = [i for i, label in enumerate(labels) if label.endswith("Q1")]
    if not q1 or q1[0] >= 3:
        q1.insert(0, 0)
    return [labels[i] for i in q1]


def driver_trends(df: pd.DataFrame) -> tuple[go.Figure, str]:
    """Small multiples: each driver's score over quarters with its Wilson band."""
    drivers = df.sort_values("driver_order").driver_label.unique().tolist()
    cols = 3
    rows = max(1, -(-len(drivers) // cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=drivers, shared_yaxes=True,
                        vertical_spacing=0.12 if rows > 1 else 0.1,
                        horizontal_spacing=0.05)  # fmt: skip
    for i, driver in enumerate(drivers):
        d = df[(df.driver_label == driver) & df.score.notna()]
        r, c = i // cols + 1, i % cols + 1
        # One colour for every panel: the panel title names the driver, and a single
        # dark blue stays visible on white where Okabe-Ito's yellow would not.
        fig.add_scatter(x=list(d.quarter_label) + list(d.quarter_label[::-1]),
                        y=list(d.ci_high) + list(d.ci_low[::-1]), fill="toself",
                        fillcolor="rgba(0,114,178,0.18)", line={"width": 0}, mode="lines",
                        hoverinfo="skip", showlegend=False, row=r, col=c)  # fmt: skip
        fig.add_scatter(x=d.quarter_label, y=d.score, mode="lines+markers",
                        line={"color": GOOD}, showlegend=False, row=r, col=c,
                        customdata=d.n, name=driver,
                        hovertemplate="%{x}: %{y:.1f} (n=%{customdata:,})<extra></extra>")  # fmt: skip
        fig.update_xaxes(tickangle=0, tickvals=_quarter_ticks(list(d.quarter_label)),
                         tickfont={"size": 12}, row=r, col=c)  # fmt: skip
    fig.update_yaxes(range=[0, 100], tickvals=[0, 50, 100])
    _layout(fig, "Driver scores over time with 95% Wilson band", height=110 + 210 * rows)
    n_supp = int(df.score.isna().sum())
    alt = (
        f"Line charts of {len(drivers)} drivers' scores per quarter with shaded 95% "
        f"confidence bands; "
        + (
            f"{n_supp} suppressed quarter point{'s are' if n_supp != 1 else ' is'} left out."
            if n_supp
            else "no quarter is suppressed."
        )
    )
    return fig, alt


def answer_distribution(df: pd.DataFrame) -> tuple[go.Figure, str]:
    """Share of each answer per question, stacked, negative answers first."""
    fig = go.Figure()
    totals = df.groupby("driver_label").n_answers.transform("sum")
    df = df.assign(share=100 * df.n_answers / totals)
    # Negative answers first (Likert 1 .. 5, then down / did not go well before up / went
    # well); the labels and tones are dim_answer_value's, coloured by tone.
    answers = df.drop_duplicates(["scale", "answer_value"])
    answers = answers.assign(scale_order=answers.scale.map(SCALE_ORDER).fillna(len(SCALE_ORDER)))
    answers = answers.sort_values(["scale_order", "answer_value"])
    for a in answers.itertuples():
        part = df[(df.scale == a.scale) & (df.answer_value == a.answer_value)]
        colour = (LIKERT.get(int(a.answer_value), NEUTRAL) if a.scale == "likert5"
                  else GOOD if a.is_positive else BAD if a.is_negative else NEUTRAL)  # fmt: skip
        fig.add_bar(y=part.driver_label + " (" + part.scale + ")", x=part.share, name=a.answer,
                    orientation="h", marker_color=colour, customdata=part.n_answers,
                    hovertemplate="%{y}: %{x:.1f}% (%{customdata} answers)<extra>"
                    + a.answer + "</extra>")  # fmt: skip
    questions = df.driver_label.nunique()
    _layout(fig, "Answers to each question (% of its answers)", barmode="stack",
            height=160 + 36 * max(questions, 1), legend=LEGEND_TOP)  # fmt: skip
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="% of answers", range=[0, 100])
    return fig, (
        f"Stacked bars of the answer mix for {questions} questions; blue answers "
        "are positive, orange-red negative, grey neutral."
    )


def question_reach(df: pd.DataFrame) -> tuple[go.Figure, str]:
    fig = go.Figure(go.Bar(x=df.driver_label, y=100 * df.share_answered, marker_color=GOOD,
                           text=[f"{v:,}" for v in df.n_answered], textposition="outside",
                           cliponaxis=False))  # fmt: skip
    _layout(fig, "How many responses answered each question (in question order)")
    fig.update_yaxes(title="% of responses", range=[0, 110])
    low = df.sort_values("share_answered").iloc[0] if len(df) else None
    alt = (
        "Bars of the share of responses answering each question in order; fewest: "
        f"{low.driver_label} ({low.n_answered:,})."
        if low is not None
        else "No answers."
    )
    return fig, alt


def key_drivers(df: pd.DataFrame) -> tuple[go.Figure, str]:
    shown = df[~df.is_suppressed & df.difference.notna()].sort_values("difference")
    fig = go.Figure(go.Scatter(
        x=shown.difference, y=shown.driver_label, mode="markers",
        marker={"color": GOOD, "size": 12},
        error_x={"type": "data", "symmetric": False,
                 "array": shown.diff_ci_high - shown.difference,
                 "arrayminus": shown.difference - shown.diff_ci_low, "color": "#333333"},
        hovertemplate="%{y}: %{x:+.1f} pts<extra></extra>",
    ))  # fmt: skip
    fig.add_vline(x=0, line_color="#666666")
    _layout(fig, "Trust-positive share: positive vs not positive on each driver",
            height=140 + 40 * max(len(shown), 1))  # fmt: skip
    fig.update_xaxes(title="Difference in % trusting (points, 95% interval)")
    top = shown.iloc[-1] if len(shown) else None
    alt = (f"Dot plot with 95% intervals; the driver most associated with trust is "
           f"{top.driver_label} ({top.difference:+.1f} points)." if top is not None
           else "Too few paired answers to compare drivers.")  # fmt: skip
    return fig, alt


def journey_funnel(df: pd.DataFrame) -> tuple[go.Figure, str]:
    fig = go.Figure(go.Funnel(y=df.stage_label, x=df.n_entered, marker_color=OKABE_ITO[0],
                              textinfo="value+percent initial"))  # fmt: skip
    _layout(fig, "Cases entering each stage", height=540)  # as tall as the journey map
    first, last = (df.n_entered.iloc[0], df.n_entered.iloc[-1]) if len(df) else (0, 0)
    return fig, (
        f"Funnel of {len(df)} stages: {first:,} cases entered the first stage and "
        f"{last:,} the last."
    )


def journey_map(df: pd.DataFrame) -> tuple[go.Figure, str]:
    """Stage scores (pain point highlighted) under a strip of the feelings line.

    Two stacked panels on one stage axis rather than two y axes over each other, so the
    sentiment line never runs through the bars' score labels."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.28, 0.72],
                        vertical_spacing=0.08,
                        subplot_titles=["Feelings (mean sentiment, -1 to 1)",
                                        "Stage score (% positive)"])  # fmt: skip
    stages = [_wrap(s, 14) for s in df.stage_label]
    fig.add_scatter(x=stages, y=df.mean_sentiment, name="Feelings (mean sentiment)",
                    mode="lines+markers+text", line={"color": "#000000", "dash": "dot"},
                    text=["" if pd.isna(v) else f"{v:+.2f}" for v in df.mean_sentiment],
                    textposition="top center", cliponaxis=False, showlegend=False,
                    row=1, col=1)  # fmt: skip
    colours = [BAD if p else GOOD for p in df.is_pain_point]
    fig.add_bar(x=stages, y=df.score.fillna(0), name="Stage score (% positive)",
                marker={"color": colours, "pattern": {
                    "shape": ["x" if p else "" for p in df.is_pain_point]}},
                text=[("suppressed" if pd.isna(s) else f"{s:.1f}")
                      + f"<br>(n={0 if pd.isna(n) else int(n):,})"
                      for s, n in zip(df.score, df.n_answers, strict=True)],
                textposition="outside", cliponaxis=False, textfont={"size": 13},
                showlegend=False, row=2, col=1)  # fmt: skip
    _layout(fig, "Journey map: stage scores and feelings", height=540)
    fig.update_yaxes(range=[-1, 1.35], tickvals=[-1, 0, 1], zeroline=True, row=1, col=1)
    fig.update_yaxes(title_text="% positive", range=[0, 118], tickvals=[0, 25, 50, 75, 100],
                     row=2, col=1)  # fmt: skip
    fig.update_xaxes(tickangle=0, row=2, col=1)
    pain = df[df.is_pain_point]
    alt = (
        "Bars of each stage's score under a dotted line of its mean sentiment; the pain "
        f"point (hatched, orange-red) is {pain.stage_label.iloc[0]}."
        if len(pain)
        else "Bars of each stage's score under a dotted line of its mean sentiment; no pain point."
    )
    return fig, alt


def trust_groups(df: pd.DataFrame, title: str) -> tuple[go.Figure, str]:
    fig = go.Figure(go.Bar(
        x=[_wrap(g, 12) for g in df.customer_group], y=df.trust_score.fillna(0),
        marker_color=OKABE_ITO[2],
        text=[("suppressed" if pd.isna(s) else f"{s:.1f}") + f"<br>(n={int(n):,})"
              for s, n in zip(df.trust_score, df.trust_n, strict=True)],
        textposition="outside", cliponaxis=False, textfont={"size": 13},
    ))  # fmt: skip
    _layout(fig, title, height=360)
    # One label size for every bar: Plotly would otherwise shrink the widest ones.
    fig.update_layout(uniformtext={"minsize": 12, "mode": "show"})
    fig.update_yaxes(title="Trust (% positive)", range=[0, 118], tickvals=[0, 25, 50, 75, 100])
    fig.update_xaxes(tickangle=0)
    parts = [f"{g}: " + ("suppressed" if pd.isna(s) else f"{s:.1f}")
             for g, s in zip(df.customer_group, df.trust_score, strict=True)]  # fmt: skip
    return fig, f"Bar chart of trust by group — {'; '.join(parts)}."


def comment_themes(df: pd.DataFrame) -> tuple[go.Figure, str]:
    """Themes by share of the quarter's comments, coloured by mean sentiment."""
    shown = df[df.share.notna()].sort_values("share")
    colours = [GOOD if (s or 0) >= 0.05 else (BAD if (s or 0) <= -0.05 else "#8c8c8c")
               for s in shown.mean_sentiment.fillna(0)]  # fmt: skip
    fig = go.Figure(go.Bar(
        x=shown.share, y=shown.theme_label, orientation="h", marker_color=colours,
        text=[f"{v:.0f}%" + (" ▲ emerging" if e else "")
              for v, e in zip(shown.share, shown.is_emerging, strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f}% of comments<extra></extra>",
    ))  # fmt: skip
    _layout(fig, "What customers wrote about (share of this quarter's comments)",
            height=140 + 32 * max(len(shown), 1))  # fmt: skip
    fig.update_xaxes(title="% of comments (a comment can be on several themes)")
    top = shown.iloc[-1] if len(shown) else None
    alt = (f"Bars of each theme's share of the quarter's comments, green when their mean "
           f"sentiment is positive, red when negative; most written about: "
           f"{top.theme_label} ({top.share:.0f}%)." if top is not None
           else "Too few comments this quarter to show themes.")  # fmt: skip
    return fig, alt


def initiative_trend(history: pd.DataFrame, plan: pd.Series, milestones: pd.DataFrame,
                     driver_label: str) -> tuple[go.Figure, str]:  # fmt: skip
    """The target driver quarter by quarter, the start marked, the milestones on the
    line, and the trend before the start carried on (what it alone would have given)."""
    shown = history[history.score.notna()]
    fig = go.Figure(go.Scatter(
        x=shown.quarter_label, y=shown.score, mode="lines+markers", name=driver_label,
        line={"color": GOOD}, hovertemplate="%{x}: %{y:.1f}<extra></extra>",
    ))  # fmt: skip
    start = _quarter_label(plan.start_date)
    labels = list(history.quarter_label)
    if start in labels:
        fig.add_vline(x=labels.index(start), line_dash="dash", line_color="#333333")
        fig.add_annotation(x=start, y=1.02, yref="paper", text="start", showarrow=False)
        before = shown[[lbl in labels[max(0, labels.index(start) - 4):labels.index(start)]
                        for lbl in shown.quarter_label]]  # fmt: skip
        slope = plan.trend_before
        if len(before) >= 2 and pd.notna(slope):
            x0 = labels.index(before.quarter_label.iloc[-1])
            ahead = labels[x0:]
            fig.add_trace(go.Scatter(
                x=ahead, y=[before.score.iloc[-1] + slope * i for i in range(len(ahead))],
                mode="lines", name="the trend before, carried on",
                line={"color": NEUTRAL, "dash": "dot"},
            ))  # fmt: skip
    for _, m in milestones.iterrows():
        when = m.completed_date if pd.notna(m.completed_date) else m.due_date
        label = _quarter_label(when)
        if label in labels:
            fig.add_annotation(x=label, y=0, yref="paper", text="◆", showarrow=False,
                               hovertext=f"{m.milestone} ({str(m.status).replace('_', ' ')})")  # fmt: skip
    _layout(fig, f"{driver_label} at the service, by quarter", legend={"orientation": "h"})
    fig.update_yaxes(title="score (% positive)")
    alt = (f"Line of {driver_label} by quarter with the initiative's start marked (dashed) "
           f"and its milestones (◆); the dotted line carries the trend before the start "
           f"on. Change since the start: {_points(plan.score_change)}; of it, the trend "
           f"before explains {_points(plan.expected_change)}.")  # fmt: skip
    return fig, alt


def _quarter_label(day) -> str:
    """The fiscal quarter of a calendar date (a start, due or completion date)."""
    return quarter_label(*fiscal_period(pd.Timestamp(day).date()))


def _points(value) -> str:
    return "not shown" if pd.isna(value) else f"{value:+.1f} points"
