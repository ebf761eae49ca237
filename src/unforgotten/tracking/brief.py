"""The briefing before the next round: what a delegation needs, as Markdown and as HTML.

:func:`brief` reads a stored round and gathers

1. **Open commitments** of this round and of every earlier one, with their due windows; one
   whose window ended before ``as_of`` (default: today) is marked overdue.
2. **What changed since the round**: batches, records and persons newly documented (first
   recorded in a batch imported on or after the round's date), the registry's totals now, and
   estimates when the caller provides them.
3. **Recommendations relevant to the round's topics**: for every topic that is a code of the
   violation vocabulary, the stored recommendations with that theme, their responses and the
   accepted share.
4. **Resolution paragraphs** (stored with ``resolution load``) that bear on the open cases,
   the open commitments or the round's topics (:mod:`unforgotten.tracking.resolution_store`).

Estimates not given by the caller come from the newest saved run (``estimate --save``), with
their intervals. Every format (Markdown, HTML, Word, PDF) renders the same lines, in English or
Korean (``lang``); the HTML page is self-contained (inline style, no script, nothing fetched).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from unforgotten.domain.roles import Permission
from unforgotten.errors import ValidationError
from unforgotten.store import queries as store_queries
from unforgotten.store import schema as s
from unforgotten.store.estimates import latest_estimate
from unforgotten.store.schema_tracking import commitment, consultation_round
from unforgotten.store.workspace import Workspace
from unforgotten.tracking.brief_docs import to_docx, to_pdf
from unforgotten.tracking.brief_text import LANGS, label, resolution_lines, topic_labels_ko
from unforgotten.tracking.disclosure import Estimate
from unforgotten.tracking.queries import round_detail, stored_recommendations
from unforgotten.tracking.resolution_store import Bearing, bearing
from unforgotten.tracking.resolutions import load_resolutions
from unforgotten.tracking.rules import agenda_topics, violation_labels
from unforgotten.tracking.upr import Recommendation, summarise

__all__ = ["Brief", "Changes", "OpenCommitment", "TopicRecommendations", "brief"]


@dataclass(frozen=True, slots=True)
class OpenCommitment:
    """An open commitment; ``overdue`` when its window ended before the brief's date."""

    id: int
    round_id: int
    round_date: date | None
    text: str
    who: str
    due_from: date | None
    due_to: date | None
    window: str | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Changes:
    """What the registry gained since the round's date, and what it holds now."""

    since: date | None
    batches: int
    records: int
    persons_new: int
    persons_total: int
    records_total: int
    estimates: tuple[tuple[str, Estimate], ...] = ()


@dataclass(frozen=True, slots=True)
class TopicRecommendations:
    """The recommendations whose themes include one topic of the round."""

    code: str
    label: str
    total: int
    accepted: int
    partially_accepted: int
    noted: int
    rejected: int
    pending: int
    recommendations: tuple[Recommendation, ...] = field(default=())

    @property
    def accepted_share(self) -> float:
        """Fully accepted / total (0 when there are none)."""
        return self.accepted / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Brief:
    """Everything :func:`brief` gathered for one round; render with ``to_markdown``/``to_html``."""

    round: dict[str, Any]
    as_of: date
    open_commitments: tuple[OpenCommitment, ...]
    changes: Changes
    recommendations: tuple[TopicRecommendations, ...]
    overall: TopicRecommendations
    resolutions: tuple[Bearing, ...] = ()
    adopted_since: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text)."""
        return {
            "round": self.round,
            "as_of": self.as_of.isoformat(),
            "open_commitments": [_commitment_dict(c) for c in self.open_commitments],
            "changes": _changes_dict(self.changes),
            "recommendations": [_topic_dict(t) for t in self.recommendations],
            "overall": _topic_dict(self.overall),
            "resolutions": [
                {**b.passage, "open_cases": b.open_cases, "linked_cases": list(b.linked_cases),
                 "commitments": list(b.commitments)}
                for b in self.resolutions
            ],
            "adopted_since": [{"symbol": sym, "adopted": day} for sym, day in self.adopted_since],
        }  # fmt: skip

    def lines(self, lang: str = "en") -> list[str]:
        """The brief as Markdown lines, the structure every format renders."""
        if lang not in LANGS:
            raise ValidationError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
        return _markdown(self, lang)

    def to_markdown(self, lang: str = "en") -> str:
        """The brief as Markdown."""
        return "\n".join(self.lines(lang)) + "\n"

    def to_html(self, lang: str = "en") -> str:
        """The brief as one self-contained HTML page."""
        return _html(self, lang)

    def to_docx(self, lang: str = "en") -> bytes:
        """The brief as a Word document (the bytes of a .docx file)."""
        return to_docx(self.lines(lang), title=_title(self, lang), lang=lang)

    def to_pdf(self, lang: str = "en", *, font: Path | None = None) -> bytes:
        """The brief as a PDF; ``font`` (a TrueType file) is needed for Hangul."""
        return to_pdf(self.lines(lang), title=_title(self, lang), font=font)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _commitment_dict(c: OpenCommitment) -> dict[str, Any]:
    return {
        "id": c.id,
        "round_id": c.round_id,
        "round_date": _iso(c.round_date),
        "text": c.text,
        "who": c.who,
        "due_from": _iso(c.due_from),
        "due_to": _iso(c.due_to),
        "window": c.window,
        "overdue": c.overdue,
    }


def _changes_dict(c: Changes) -> dict[str, Any]:
    return {
        "since": _iso(c.since),
        "batches": c.batches,
        "records": c.records,
        "persons_new": c.persons_new,
        "persons_total": c.persons_total,
        "records_total": c.records_total,
        "estimates": [
            {"label": label, "point": e.point, "lower": e.lower, "upper": e.upper, "method": e.method}
            for label, e in c.estimates
        ],
    }


def _topic_dict(t: TopicRecommendations) -> dict[str, Any]:
    return {
        "code": t.code,
        "label": t.label,
        "total": t.total,
        "accepted": t.accepted,
        "partially_accepted": t.partially_accepted,
        "noted": t.noted,
        "rejected": t.rejected,
        "pending": t.pending,
        "accepted_share": round(t.accepted_share, 4),
        "recommendations": [
            {
                "cycle": r.cycle,
                "state": r.recommending_state,
                "paragraph": r.paragraph,
                "response": r.response,
                "text": r.text,
            }
            for r in t.recommendations
        ],
    }


# --- gathering -----------------------------------------------------------------------------


def _open_commitments(conn: Connection, round_row: Mapping[str, Any], as_of: date) -> list[OpenCommitment]:
    r = consultation_round
    query = (
        select(commitment, r.c.date.label("round_date"))
        .join(r, r.c.id == commitment.c.round_id)
        .where(commitment.c.status == "open")
        .order_by(r.c.date, r.c.id, commitment.c.position)
    )
    out = []
    for row in conn.execute(query).mappings():
        later = row["round_date"] and round_row["date"] and row["round_date"] > round_row["date"]
        if later and row["round_id"] != round_row["id"]:
            continue
        due_to = row["due_to"]
        out.append(
            OpenCommitment(
                id=row["id"],
                round_id=row["round_id"],
                round_date=row["round_date"],
                text=row["text"],
                who=row["who"],
                due_from=row["due_from"],
                due_to=due_to,
                window=row["window"],
                overdue=due_to is not None and due_to < as_of,
            )
        )
    return out


def _changes(conn: Connection, since: date | None, estimates: Mapping[str, Estimate]) -> Changes:
    start = since.isoformat() if since else ""
    new_batches = select(s.import_batch.c.id).where(s.import_batch.c.imported_at >= start)
    old_persons = select(s.source_record.c.person_id).where(s.source_record.c.batch_id.not_in(new_batches))
    in_new = s.source_record.c.batch_id.in_(new_batches)
    persons_new = select(func.count(distinct(s.source_record.c.person_id))).where(
        in_new, s.source_record.c.person_id.not_in(old_persons)
    )
    totals = store_queries.stats(conn)
    return Changes(
        since=since,
        batches=conn.execute(select(func.count()).select_from(new_batches.subquery())).scalar_one(),
        records=conn.execute(select(func.count()).where(in_new)).scalar_one(),
        persons_new=conn.execute(persons_new).scalar_one(),
        persons_total=int(totals["persons"]),
        records_total=int(totals["records"]),
        estimates=tuple(estimates.items()),
    )


def _relevant(recs: Sequence[Recommendation], topics: Sequence[str]) -> list[TopicRecommendations]:
    labels = violation_labels()
    rows = {row.key: row for row in summarise(recs, by="theme")}
    out = []
    for code in (c for c in topics if c in labels):
        row = rows.get(code)
        counts = (
            (row.total, row.accepted, row.partially_accepted, row.noted, row.rejected, row.pending)
            if row
            else (0, 0, 0, 0, 0, 0)
        )
        out.append(
            TopicRecommendations(
                code,
                agenda_topics().get(code) or labels[code],
                *counts,
                recommendations=tuple(r for r in recs if code in r.themes),
            )
        )
    return out


def _overall(recs: Sequence[Recommendation]) -> TopicRecommendations:
    counts = Counter(r.response for r in recs)
    return TopicRecommendations(
        "all",
        "All stored recommendations",
        len(recs),
        counts["accepted"],
        counts["partially accepted"],
        counts["noted"],
        counts["rejected"],
        counts["pending"],
    )


def _round_summary(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": detail["id"],
        "date": _iso(detail["date"]),
        "place": detail["place"],
        "format": detail["format"],
        "status": detail["status"],
        "source_name": detail["source_name"],
        "participants": [
            {"name": p["name"], "title": p["title"], "organisation": p["organisation"], "side": p["side"]}
            for p in detail["participants"]
        ],
        "topics": [{"code": t["code"], "label": _topic_label(t["code"])} for t in detail["topics"]],
    }


def _topic_label(code: str) -> str:
    return agenda_topics().get(code) or violation_labels().get(code, "")


def brief(
    ws: Workspace,
    round_id: int,
    *,
    as_of: date | None = None,
    estimates: Mapping[str, Estimate] | None = None,
) -> Brief:
    """Gather the brief for the round after ``round_id`` (see the module docstring).

    ``as_of`` is the date overdue commitments are judged against (default: today);
    ``estimates`` maps a label (e.g. ``"abductees, all eras"``) to an estimate to show.
    """
    ws.require(Permission.READ)
    today = as_of or date.today()
    with ws.read() as conn:
        detail = round_detail(conn, round_id)
        topics = [t["code"] for t in detail["topics"]]
        recs = [r for r in stored_recommendations(conn) if r.kind != "resolution"]
        figures = _saved_estimates(conn) if estimates is None else estimates
        return Brief(
            round=_round_summary(detail),
            as_of=today,
            open_commitments=tuple(_open_commitments(conn, detail, today)),
            changes=_changes(conn, detail["date"], figures),
            recommendations=tuple(_relevant(recs, topics)),
            overall=_overall(recs),
            resolutions=tuple(b for b in bearing(conn) if _bears(b, topics)),
            adopted_since=_adopted_since(detail["date"]),
        )


def _bears(b: Bearing, topics: Sequence[str]) -> bool:
    return bool(b.open_cases or b.linked_cases or b.commitments or set(b.passage["themes"]) & set(topics))


def _adopted_since(since: date | None) -> tuple[tuple[str, str], ...]:
    return tuple(
        (r.symbol, r.adopted.isoformat())
        for r in load_resolutions()
        if r.adopted is not None and (since is None or r.adopted > since)
    )


def _saved_estimates(conn: Connection) -> dict[str, Estimate]:
    """The estimates of the newest saved run (overall and by case type) that have an interval."""
    out = {}
    for stratify in ("all", "case_type"):
        run = latest_estimate(conn, stratify)
        if run is None:
            continue
        for row in run["rows"]:
            values = [row.get(k) for k in ("estimate", "lower", "upper")]
            if all(isinstance(v, int | float) for v in values):
                point, lower, upper = (float(v) for v in values)
                out[f"{row['stratum']} (saved run {run['id']})"] = Estimate(
                    point, lower, upper, row["method"]
                )
    return out


# --- rendering -----------------------------------------------------------------------------


def _due(c: OpenCommitment, lang: str) -> str:
    if c.due_from is None and c.due_to is None:
        return label(lang, "no_window")
    span = label(lang, "due", start=_iso(c.due_from) or "…", end=_iso(c.due_to) or "…")
    return f"{span} ({c.window})" if c.window else span


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _title(b: Brief, lang: str = "en") -> str:
    r = b.round
    return label(
        lang,
        "title",
        date=r["date"] or label(lang, "undated"),
        place=r["place"] or label(lang, "place_unknown"),
    )


def _topic_name(lang: str, code: str, english: str) -> str:
    return (topic_labels_ko().get(code) or english) if lang == "ko" else english


def _markdown(b: Brief, lang: str) -> list[str]:
    r = b.round
    head = label(
        lang, "round_line", id=r["id"], format=r["format"] or label(lang, "format_unknown"),
        status=r["status"], source=r["source_name"] or label(lang, "not_recorded"), as_of=b.as_of.isoformat(),
    )  # fmt: skip
    lines = [f"# {_title(b, lang)}", "", head, "", f"## {label(lang, 'delegations')}", ""]
    lines += [
        f"- {p['name']} — {p['title'] or ''}, {p['organisation'] or '—'} "
        f"({p['side'] or label(lang, 'side_unknown')})"
        for p in r["participants"]
    ]
    lines += ["", f"## {label(lang, 'topics')}", ""]
    lines += [f"- {t['code']} {_topic_name(lang, t['code'], t['label'])}" for t in r["topics"]]
    lines += ["", f"## {label(lang, 'open_commitments')}", ""]
    lines += [
        f"- {label(lang, 'overdue') + ' ' if c.overdue else ''}{c.text} — {c.who}; {_due(c, lang)} "
        f"({label(lang, 'round_ref', id=c.round_id, date=_iso(c.round_date))})"
        for c in b.open_commitments
    ] or [label(lang, "none")]
    lines += _markdown_changes(b.changes, b.adopted_since, lang)
    lines += _markdown_recommendations(b.recommendations, b.overall, lang)
    return lines + resolution_lines(lang, b.resolutions)


def _markdown_changes(c: Changes, adopted: Sequence[tuple[str, str]], lang: str) -> list[str]:
    lines = ["", f"## {label(lang, 'changed_since', date=_iso(c.since) or label(lang, 'the_round'))}", ""]
    lines += [
        "- " + label(lang, "persons_new", persons=c.persons_new, records=c.records, batches=c.batches),
        "- " + label(lang, "totals", persons=c.persons_total, records=c.records_total),
    ]
    lines += [
        "- " + label(lang, "estimate", label=name, point=f"{e.point:,.0f}", lower=f"{e.lower:,.0f}",
                     upper=f"{e.upper:,.0f}", method=e.method)
        for name, e in c.estimates
    ]  # fmt: skip
    if adopted:
        lines.append("- " + label(lang, "adopted_since", items=", ".join(f"{s} ({d})" for s, d in adopted)))
    return lines


def _markdown_recommendations(
    topics: Sequence[TopicRecommendations], overall: TopicRecommendations, lang: str
) -> list[str]:
    lines = [
        "",
        f"## {label(lang, 'recs')}",
        "",
        label(lang, "recs_head"),
        "|---|---|---|---|---|---|---|---|",
    ]
    all_label = label(lang, "all_recs")
    lines += [
        f"| {t.code} {all_label if t.code == 'all' else _topic_name(lang, t.code, t.label)} | {t.total} | "
        f"{t.accepted} | {t.partially_accepted} | {t.noted} | {t.rejected} | {t.pending} | "
        f"{_percent(t.accepted_share)} |"
        for t in (*topics, overall)
    ]
    for t in (t for t in topics if t.recommendations):
        lines += ["", f"### {t.code} {_topic_name(lang, t.code, t.label)}", ""]
        lines += [
            f"- {label(lang, 'cycle')} {r.cycle}, {r.recommending_state} ({r.paragraph}) — "
            f"{r.response}: {r.text}"
            for r in t.recommendations
        ]
    return lines


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}"
    ".overdue{color:#a40000;font-weight:bold}"
)


def _html(b: Brief, lang: str) -> str:
    """Render the Markdown structure as HTML (a small, safe converter for the lines we write)."""
    body: list[str] = []
    in_list = in_table = False
    for line in b.lines(lang):
        if in_list and not line.startswith("- "):
            body.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            body.append("</table>")
            in_table = False
        body.append(_html_line(line, in_list=in_list, in_table=in_table))
        in_list = in_list or line.startswith("- ")
        in_table = in_table or line.startswith("|")
    body += ["</ul>"] if in_list else []
    body += ["</table>"] if in_table else []
    page = "\n".join(x for x in body if x)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(_title(b, lang))}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{page}\n"
        "</body>\n</html>\n"
    )


def _inline(text: str) -> str:
    escaped = html.escape(text)
    for word in ("OVERDUE", "기한 경과"):
        escaped = escaped.replace(f"**{word}**", f'<span class="overdue">{word}</span>')
    return escaped


def _html_line(line: str, *, in_list: bool, in_table: bool) -> str:
    if line.startswith("#"):
        level = len(line) - len(line.lstrip("#"))
        return f"<h{level}>{_inline(line[level + 1 :])}</h{level}>"
    if line.startswith("- "):
        return ("" if in_list else "<ul>\n") + f"<li>{_inline(line[2:])}</li>"
    if line.startswith("|"):
        cells = [c.strip() for c in line.strip("|").split("|")]
        if set("".join(cells)) <= {"-"}:
            return ""
        tag = "td" if in_table else "th"
        row = "".join(f"<{tag}>{_inline(c)}</{tag}>" for c in cells)
        return ("" if in_table else "<table>\n") + f"<tr>{row}</tr>"
    return f"<p>{_inline(line)}</p>" if line else ""
