"""Charts as inline SVG (no script, no network), drawn from page models; every label escaped.

Each chart carries a ``<title>`` and ``role="img"`` with an ``aria-label`` so screen readers
announce it; the numbers are always also in a table on the same page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path

from unforgotten.korean import facilities
from unforgotten.web import schemas as m
from unforgotten.web.labels import stratum_term, term

__all__ = [
    "facility_map",
    "forest",
    "histogram",
    "method_rows",
    "nk_map",
    "overlap_heatmap",
    "stacked_bars",
    "stratum_rows",
]

_W = 640
BLUE, GREY, ORANGE, INK = "#1d5fa8", "#9aa5b1", "#c2571a", "#1f2933"


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>{"".join(body)}</svg>'
    )


def _ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    span = hi - lo or 1.0
    step = 10 ** math.floor(math.log10(span / n))
    for mult in (1, 2, 5, 10):
        if span / (step * mult) <= n + 1:
            step *= mult
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def _axis(lo: float, hi: float, x0: float, x1: float, y: float) -> list[str]:
    out = [f'<line x1="{x0}" x2="{x1}" y1="{y}" y2="{y}" stroke="{GREY}"/>']
    for t in _ticks(lo, hi):
        x = x0 + (t - lo) / ((hi - lo) or 1) * (x1 - x0)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + 4}" stroke="{GREY}"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 16}" text-anchor="middle">{t:,.0f}</text>')
    return out


def histogram(values: Sequence[float], *, label: str, bins: int = 30) -> str:
    """A histogram of draws (the posterior of N)."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    top, x0, x1, base = max(counts), 40.0, _W - 20.0, 170.0
    bar = (x1 - x0) / bins
    body = [
        f'<rect x="{x0 + i * bar:.1f}" y="{base - c / top * 150:.1f}" width="{bar - 1:.1f}" '
        f'height="{c / top * 150:.1f}" fill="{BLUE}"/>'
        for i, c in enumerate(counts)
    ]
    return _svg(_W, 200, label, body + _axis(lo, hi, x0, x1, base))


def forest(
    rows: Sequence[tuple[str, float | None, float | None, float | None, int | None]], *, label: str
) -> str:
    """Estimate with interval per row and the observed count as a grey bar.

    Rows are ``(label, estimate, lower, upper, observed)``.
    """
    values = [v for r in rows for v in r[1:] if v is not None and math.isfinite(v)]
    if not values:
        return ""
    lo, hi = 0.0, max(values) * 1.05
    x0, x1 = 170.0, _W - 20.0

    def x(v: float) -> float:
        return x0 + min(max(v, lo), hi) / (hi or 1) * (x1 - x0)

    body: list[str] = []
    for i, (name, est, low, up, obs) in enumerate(rows):
        y = 20 + i * 28
        body.append(f'<text x="4" y="{y + 4}">{escape(name[:26])}</text>')
        if obs:
            body.append(f'<rect x="{x0}" y="{y - 6}" width="{x(obs) - x0:.1f}" height="12" fill="#dde3ea"/>')
        if low is not None and up is not None:
            body.append(
                f'<line x1="{x(low):.1f}" x2="{x(up):.1f}" y1="{y}" y2="{y}" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        if est is not None:
            body.append(f'<circle cx="{x(est):.1f}" cy="{y}" r="5" fill="{ORANGE}"/>')
    height = 20 + len(rows) * 28
    return _svg(_W, height + 24, label, body + _axis(lo, hi, x0, x1, height))


Row = tuple[str, float | None, float | None, float | None, int | None]


def method_rows(rows: Sequence[m.EstimateRow], stratum: str, *, lang: str = "en") -> list[Row]:
    """Forest rows of every method on one stratum."""
    return [
        (term(lang, "method", r.method), r.estimate, r.lower, r.upper, r.observed)
        for r in rows
        if r.stratum == stratum
    ]


def stratum_rows(
    rows: Sequence[m.EstimateRow], method: str, *, by: str = "all", lang: str = "en"
) -> list[Row]:
    """Forest rows of one method on every stratum (observed as the grey bar)."""
    return [
        (stratum_term(lang, by, r.stratum), r.estimate, r.lower, r.upper, r.observed)
        for r in rows
        if r.method == method
    ]


def stacked_bars(items: dict[str, int], *, label: str) -> str:
    """Horizontal bars, one per item, largest first."""
    if not items:
        return ""
    top = max(items.values()) or 1
    body = []
    for i, (name, count) in enumerate(items.items()):
        y = 8 + i * 24
        w = count / top * (_W - 260)
        body.append(f'<text x="4" y="{y + 13}">{escape(name[:30])}</text>')
        body.append(f'<rect x="200" y="{y}" width="{w:.1f}" height="16" fill="{BLUE}"/>')
        body.append(f'<text x="{206 + w:.1f}" y="{y + 13}">{count:,}</text>')
    return _svg(_W, 16 + len(items) * 24, label, body)


def overlap_heatmap(names: Sequence[str], matrix: Sequence[Sequence[int]], *, label: str) -> str:
    """Persons shared by each pair of lists, as shaded cells with their counts."""
    n = len(names)
    if n == 0:
        return ""
    cell, left, top = min(90, (_W - 180) // max(n, 1)), 180, 24
    peak = max((v for row in matrix for v in row), default=1) or 1
    body = []
    for i, name in enumerate(names):
        body.append(f'<text x="4" y="{top + i * cell + cell / 2 + 4:.0f}">{escape(name[:24])}</text>')
        body.append(f'<text x="{left + i * cell + cell / 2:.0f}" y="16" text-anchor="middle">{i + 1}</text>')
        for j in range(n):
            v = matrix[i][j]
            shade = 0.12 + 0.88 * v / peak
            ink = "#fff" if shade > 0.55 else INK
            body.append(
                f'<rect x="{left + j * cell}" y="{top + i * cell}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{BLUE}" fill-opacity="{shade:.2f}"/>'
                f'<text x="{left + j * cell + cell / 2 - 1:.0f}" y="{top + i * cell + cell / 2 + 4:.0f}" '
                f'text-anchor="middle" fill="{ink}">{v:,}</text>'
            )
    return _svg(left + n * cell + 8, top + n * cell + 8, label, body)


@cache
def _provinces_geo() -> list[tuple[str, str, list[list[tuple[float, float]]]]]:
    path = Path(__file__).parents[1] / "data" / "korean" / "nk_adm1.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = [[(float(x), float(y)) for x, y in poly[0]] for poly in polys]
        out.append((f["properties"]["shapeISO"], f["properties"]["shapeName"], rings))
    return out


_LON0, _LON1, _LAT0, _LAT1 = 124.1, 130.8, 37.6, 43.1
_SCALE = 100.0
_COS = math.cos(math.radians(40.3))


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _LON0) * _COS * _SCALE, (_LAT1 - lat) * _SCALE


def nk_map(units: Sequence[m.MapUnit], *, label: str, lang: str) -> str:
    """Provinces shaded by number of cases, with their counts; detention facilities as red marks."""
    cases = {u.code: u for u in units}
    peak = max((u.cases for u in units), default=0) or 1
    body = []
    for code, name, rings in _provinces_geo():
        unit = cases.get(code)
        count = unit.cases if unit else 0
        shade = 0.08 + 0.8 * count / peak
        title = (unit.name_ko if lang == "ko" and unit else name) + f": {count:,}"
        path = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (_xy(*p) for p in ring)) + "Z" for ring in rings
        )
        body.append(
            f'<path d="{path}" fill="{BLUE}" fill-opacity="{shade:.2f}" stroke="#fff" stroke-width="1.2">'
            f"<title>{escape(title)}</title></path>"
        )
        xs = [_xy(*p) for ring in rings for p in ring]
        cx, cy = sum(p[0] for p in xs) / len(xs), sum(p[1] for p in xs) / len(xs)
        body.append(f'<text x="{cx:.0f}" y="{cy:.0f}" text-anchor="middle" class="maplabel">{count:,}</text>')
    for fac in facilities():
        if fac.lat is None or fac.lon is None:
            continue
        x, y = _xy(fac.lon, fac.lat)
        name = fac.name_hangul if lang == "ko" else fac.name_en
        body.append(
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#b42318" stroke="#fff">'
            f"<title>{escape(name)}</title></rect>"
        )
    width, height = _xy(_LON1, _LAT0)
    return _svg(width, height, label, body)


def facility_map(lat: float | None, lon: float | None, *, name: str, label: str) -> str:
    """The provinces in outline with one facility marked in red (empty without coordinates)."""
    if lat is None or lon is None:
        return ""
    body = []
    for _, province, rings in _provinces_geo():
        path = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (_xy(*p) for p in ring)) + "Z" for ring in rings
        )
        body.append(
            f'<path d="{path}" fill="{BLUE}" fill-opacity="0.08" stroke="{BLUE}" stroke-width="0.8">'
            f"<title>{escape(province)}</title></path>"
        )
    x, y = _xy(lon, lat)
    body.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#b42318" stroke="#fff" stroke-width="2">'
        f"<title>{escape(name)}</title></circle>"
    )
    width, height = _xy(_LON1, _LAT0)
    return _svg(width, height, label, body)
