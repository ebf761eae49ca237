"""Public statistics as a static folder any web host can serve: one HTML page with its charts
(inline SVG, no script, no fonts or styles from elsewhere), the same table as CSV and JSON, and a
note on what the figures count and what is withheld.

The figures are :func:`~unforgotten.tracking.public.public_statistics`: persons whose consent
covers publication only, small cells suppressed (docs/tracking.md).
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from unforgotten.domain.vocab import CASE_TYPES
from unforgotten.korean import provinces, south_korea
from unforgotten.tracking.disclosure import PublicCell, PublicTable

__all__ = ["write_site"]

_PERIODS = {
    "korean_war": ("Korean War (1950–53)", "한국전쟁(1950–53)"),
    "cold_war": ("1954–94", "1954–94"),
    "famine": ("Famine and after (1995–2011)", "고난의 행군 이후(1995–2011)"),
    "recent": ("Since 2012", "2012년 이후"),
    "unknown": ("Unknown", "미상"),
}
_DIMENSIONS = {
    "case_type": ("Case type", "사건 유형"),
    "province": ("Province", "도"),
    "period": ("Period", "시기"),
}


@cache
def _province_names() -> dict[str, tuple[str, str]]:
    units = (*provinces(), *south_korea())
    return {
        u.code: (u.name_en, u.name_hangul) for u in units if u.level in ("province", "city", "special_city")
    }


def _label(dimension: str, code: str) -> str:
    if code == "*":
        return "All · 전체"
    if dimension == "case_type":
        try:
            term = CASE_TYPES.term(code)
        except KeyError:
            return "Unknown · 미상" if code == "unknown" else code
        return f"{term.label_en} · {term.label_ko}"
    if dimension == "province":
        en, ko = _province_names().get(code, ("Unknown", "미상") if code == "unknown" else (code, code))
        return f"{en} · {ko}"
    en, ko = _PERIODS.get(code, (code, code))
    return f"{en} · {ko}"


def _bars(table: PublicTable) -> str:
    """A horizontal bar chart of the first dimension's totals (suppressed ones marked)."""
    if len(table.by) == 1:
        shown = [c for c in table.cells]
    else:
        shown = [c for c in table.totals if c.key[1:] == ("*",) * (len(table.by) - 1) and c.key[0] != "*"]
    top = max([c.count or 0 for c in shown] + [1])
    row, width, left = 26, 640, 260
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {row * len(shown) + 10}" '
        f'aria-label="{html.escape(_DIMENSIONS[table.by[0]][0])}">'
    ]
    for i, cell in enumerate(shown):
        y = 5 + i * row
        label = html.escape(_label(table.by[0], cell.key[0]))
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="13">{label}</text>')
        if cell.count is None:
            parts.append(f'<text x="{left}" y="{y + 16}" font-size="13" fill="#666">withheld · 비공개</text>')
            continue
        length = (width - left - 60) * cell.count / top
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="16" fill="#2f5d8a"/>')
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 16}" font-size="13">{cell.count:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cell_text(cell: PublicCell) -> str:
    return "—" if cell.count is None else f"{cell.count:,}"


def _page(table: PublicTable, *, title: str, made: str) -> str:
    heads = "".join(f"<th scope='col'>{html.escape(' · '.join(_DIMENSIONS[d]))}</th>" for d in table.by)
    rows = []
    for cell in (*table.cells, *table.totals):
        keys = "".join(
            f"<td>{html.escape(_label(d, k))}</td>" for d, k in zip(table.by, cell.key, strict=True)
        )
        estimate = cell.estimate
        est = ""
        if estimate:
            span = f"{estimate.lower:,.0f}–{estimate.upper:,.0f}"
            est = f"{estimate.point:,.0f} ({span}, {html.escape(estimate.method)})"
        rows.append(f"<tr>{keys}<td class='n'>{_cell_text(cell)}</td><td>{est}</td></tr>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body{{font-family:system-ui,"Noto Sans KR","Nanum Gothic",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d2733;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}
th,td{{border-bottom:1px solid #d7dde4;padding:.35rem .5rem;text-align:left}}
td.n{{text-align:right;font-variant-numeric:tabular-nums}}svg{{width:100%;height:auto}}
.note{{background:#f4f6f8;padding:.75rem 1rem;border-radius:4px}}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">Counts of persons whose consent covers publication; counts below {table.threshold} and
enough others that none can be worked out are withheld (—). 공개에 동의한 사람만 집계하며, {table.threshold}
미만의 수와 이를 역산할 수 있는 수는 공개하지 않습니다(—). Made {html.escape(made)}.</p>
{_bars(table)}
<table><thead><tr>{heads}<th scope='col'>Persons · 인원</th><th scope='col'>Estimate · 추정</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<p>Data: <a href="statistics.csv">statistics.csv</a> · <a href="statistics.json">statistics.json</a></p>
</body></html>
"""


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_site(
    table: PublicTable, folder: Path, *, csv_text: str, json_text: str, title: str = "Public statistics"
) -> list[Path]:
    """Write ``index.html``, ``statistics.csv`` and ``statistics.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    files = [folder / "statistics.csv", folder / "statistics.json", folder / "index.html"]
    _write(files[0], csv_text)
    _write(files[1], json_text)
    _write(files[2], _page(table, title=title, made=made))
    return files
