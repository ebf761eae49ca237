"""A self-contained HTML report: tables and plots drawn as inline SVG (no script, no network)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np

from unforgotten.estimate.glm import FloatArray
from unforgotten.estimate.methods import MethodRun
from unforgotten.estimate.table import CaptureTable, thin_reasons

__all__ = ["forest_svg", "histogram_svg", "render_report"]

WIDTH, ROW, PAD = 640, 26, 150
STYLE = """
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;
text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.warn{color:#8a4b00}svg text{font-size:12px}
"""


def _fmt(x: float | None) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:,.0f}"


def _scale(lo: float, hi: float) -> tuple[float, float]:
    span = hi - lo or 1.0
    return lo - 0.05 * span, hi + 0.05 * span


def forest_svg(rows: Sequence[tuple[str, float, float, float]], *, title: str) -> str:
    """Points with interval bars, one row each: ``(label, estimate, lower, upper)``."""
    finite = [v for r in rows for v in r[1:] if np.isfinite(v)]
    if not finite:
        return ""
    lo, hi = _scale(min(finite), max(finite))
    plot_w = WIDTH - PAD - 20

    def x(v: float) -> float:
        return PAD + (min(max(v, lo), hi) - lo) / (hi - lo) * plot_w

    parts = [f'<text x="{PAD}" y="14" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, est, low, up) in enumerate(rows):
        y = 34 + i * ROW
        parts.append(f'<text x="4" y="{y + 4}">{html.escape(label)}</text>')
        if np.isfinite(low) and np.isfinite(up):
            parts.append(
                f'<line x1="{x(low):.1f}" x2="{x(up):.1f}" y1="{y}" y2="{y}" stroke="#555" stroke-width="2"/>'
            )
        parts.append(f'<circle cx="{x(est):.1f}" cy="{y}" r="4" fill="#1f5fa8"/>')
    height = 34 + len(rows) * ROW
    parts.append(_axis(lo, hi, height - 8, x))
    return _svg(height + 10, parts)


def _axis(lo: float, hi: float, y: float, x: object) -> str:
    ticks = np.linspace(lo, hi, 5)
    pos = [PAD + (t - lo) / (hi - lo) * (WIDTH - PAD - 20) for t in ticks]
    return "".join(
        f'<text x="{p:.1f}" y="{y + 12}" text-anchor="middle" fill="#666">{t:,.0f}</text>'
        for p, t in zip(pos, ticks, strict=True)
    )


def _svg(height: float, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'role="img">{"".join(parts)}</svg>'
    )


def histogram_svg(values: FloatArray, weights: FloatArray | None, *, title: str) -> str:
    """Bars of a posterior of N: draws (``weights`` None) or a weighted grid."""
    vals = np.asarray(values, dtype=np.float64)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if w is not None:
        keep = np.cumsum(w) < 0.999
        vals, w = vals[keep], w[keep]
    if vals.size == 0:
        return ""
    counts, edges = np.histogram(vals, bins=40, weights=w)
    top = counts.max() or 1.0
    plot_w, plot_h = WIDTH - 60, 160
    bar_w = plot_w / counts.shape[0]
    parts = [f'<text x="40" y="14" font-weight="bold">{html.escape(title)}</text>']
    for i, c in enumerate(counts):
        h = c / top * plot_h
        parts.append(
            f'<rect x="{40 + i * bar_w:.1f}" y="{24 + plot_h - h:.1f}" '
            f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="#7fa7d6"/>'
        )
    for frac in (0.0, 0.5, 1.0):
        v = edges[0] + frac * (edges[-1] - edges[0])
        parts.append(
            f'<text x="{40 + frac * plot_w:.1f}" y="{plot_h + 40}" '
            f'text-anchor="middle" fill="#666">{v:,.0f}</text>'
        )
    return _svg(plot_h + 50, parts)


def _summary_table(runs: Sequence[MethodRun]) -> str:
    head = (
        "<tr><th>stratum</th><th>method</th><th>observed</th><th>estimate</th>"
        "<th>lower</th><th>upper</th><th>notes</th></tr>"
    )
    body = []
    for r in runs:
        res = r.result
        notes = html.escape("; ".join(r.warnings) or (r.error or ""))
        cells = (
            [_fmt(res.observed), _fmt(res.estimate), _fmt(res.lower), _fmt(res.upper)] if res else ["—"] * 4
        )
        body.append(
            f"<tr><td>{html.escape(r.stratum)}</td><td>{html.escape(r.method)}</td>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + f'<td class="warn">{notes}</td></tr>'
        )
    return f"<table>{head}{''.join(body)}</table>"


def _posteriors(runs: Sequence[MethodRun]) -> list[str]:
    out = []
    for r in runs:
        est = r.estimator
        if r.method == "lcmcr" and est is not None:
            out.append(histogram_svg(est.samples_.ravel(), None, title=f"{r.stratum}: LCMCR posterior of N"))
        if r.method == "dga" and est is not None:
            post = est.posterior_
            out.append(histogram_svg(post.totals, post.post_n, title=f"{r.stratum}: dga posterior of N"))
    return out


def _rows(runs: Sequence[MethodRun], label: str) -> list[tuple[str, float, float, float]]:
    return [
        (getattr(r, label), r.result.estimate, r.result.lower, r.result.upper)
        for r in runs
        if r.result is not None
    ]


def _thin_notes(tables: Mapping[str, CaptureTable]) -> list[str]:
    return [
        f'<p class="warn thin">{html.escape(s)}: too thin to estimate reliably'
        f" ({html.escape('; '.join(why))})</p>"
        for s, t in tables.items()
        if (why := thin_reasons(t))
    ]


def render_report(runs: Sequence[MethodRun], tables: Mapping[str, CaptureTable]) -> str:
    """The whole report as one HTML string."""
    strata = list(tables)
    parts = [
        "<h1>Population size estimates</h1>",
        "<p>Multiple systems estimation. Intervals are at the level shown by each method; "
        "read docs/estimation.md before quoting a number.</p>",
        _summary_table(runs),
        "<h2>Model comparison</h2>",
    ]
    for s in strata:
        parts.append(
            forest_svg(
                _rows([r for r in runs if r.stratum == s], "method"),
                title=f"{s}: estimate and interval by method",
            )
        )
    parts.append("<h2>Posterior of N</h2>")
    parts += _posteriors(runs) or ["<p>No Bayesian method was run.</p>"]
    if len(strata) > 1:
        parts.append("<h2>Estimates by stratum</h2>")
        parts += _thin_notes(tables)
        for m in dict.fromkeys(r.method for r in runs):
            parts.append(
                forest_svg(
                    _rows([r for r in runs if r.method == m], "stratum"), title=f"{m}: estimate by stratum"
                )
            )
    parts.append("<h2>Tables</h2>")
    for s, t in tables.items():
        rows = "".join(f"<tr><td>{''.join(map(str, p))}</td><td>{c}</td></tr>" for p, c in t.rows())
        parts.append(
            f"<h3>{html.escape(s)}: {html.escape(', '.join(t.lists))}</h3>"
            f"<table><tr><th>history</th><th>count</th></tr>{rows}</table>"
        )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Estimates</title><style>{STYLE}</style></head><body>" + "\n".join(parts) + "</body></html>\n"
    )
