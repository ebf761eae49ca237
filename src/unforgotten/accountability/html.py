"""A dossier as one self-contained HTML page (no script, no remote asset), every statement with
its source, and the command chain worded as "may bear command responsibility"."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["dossier_html"]


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _subject_title(subject: dict[str, Any]) -> str:
    for key in ("hangul", "name", "name_en"):
        if subject.get(key):
            extra = subject.get("english") or subject.get("name_hangul") or ""
            return f"{subject[key]}" + (f" ({extra})" if extra and extra != subject[key] else "")
    return str(subject.get("kind", "dossier"))


def _statement(s: dict[str, Any]) -> str:
    if s["basis"] == "attribution":
        who = s["person"]["name"] if s.get("person") else (s.get("text") or "the organisation")
        return (
            f"{_e(s['involvement'])}: {_e(who)} — source {_e(s['source'])}"
            + (f", {_e(s['citation'])}" if s.get("citation") else "")
            + f" ({_e(s['confidence'])})"
        )
    if s["basis"] == "recorded_as":
        return f"recorded as “{_e(s['recorded_as'])}” (name in force then: {_e(s['name_in_force'])})"
    return f"at {_e(s.get('facility'))}"


def dossier_html(data: dict[str, Any]) -> str:
    """The page (see the module docstring)."""
    subject = data["subject"]
    rows = "".join(
        f"<tr><td>{_e(a['act_id'])}</td><td>{_e(a['date_as_written'] or a['date'])}</td>"
        f"<td>{_e(a['violation'])}</td><td>{_e(a['facility'])}</td><td>{_e(a['state'])}</td>"
        f"<td>{'<br>'.join(_statement(s) for s in a['statements'])}</td></tr>"
        for a in data["acts"]
    )
    chains = []
    for chain in data["chain"]:
        links = []
        for link in chain["links"]:
            people = ", ".join(
                f"{_e(c['name'])} ({_e(c['title'])}; source {_e(c['source'])})" for c in link["commanders"]
            )
            links.append(
                f"<li>{_e(link['name'])}: {people or 'no known commander'}"
                + (
                    f" — below the next unit per {_e(link['below_by']['source'])}"
                    if link.get("below_by") and link["below_by"].get("source")
                    else ""
                )
                + "</li>"
            )
        chains.append(f"<h3>Act {_e(chain['act_id'])}, {_e(chain['date'])}</h3><ul>{''.join(links)}</ul>")
    gaps = "".join(f"<li>{_e(g)}</li>" for g in data["gaps"])
    sources = "".join(f"<li>{_e(s['name'])} ({_e(s['confidentiality'])})</li>" for s in data["sources"])
    by_violation = "".join(f"<li>{_e(k)}: {v}</li>" for k, v in data["acts_by_violation"].items())
    by_year = "".join(f"<li>{_e(k)}: {v}</li>" for k, v in data["acts_by_year"].items())
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Dossier: {_e(_subject_title(subject))}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "td,th{border:1px solid #999;padding:.3em;vertical-align:top}table{border-collapse:collapse}</style>"
        f"</head><body><h1>Dossier: {_e(_subject_title(subject))}</h1>"
        f"<p>{len(data['acts'])} acts, {data['victims']} victims (counted; no victim is named here).</p>"
        f"<h2>Acts by violation</h2><ul>{by_violation}</ul><h2>Acts by year</h2><ul>{by_year}</ul>"
        "<h2>Acts</h2><table><tr><th>act</th><th>date</th><th>violation</th><th>facility</th>"
        f"<th>state</th><th>what the record says, and its source</th></tr>{rows}</table>"
        f"<h2>Derived command chain</h2><p>{_e(data['statement'])}.</p>{''.join(chains)}"
        f"<h2>Gaps in the record</h2><ul>{gaps}</ul><h2>Sources</h2><ul>{sources}</ul>"
        "</body></html>\n"
    )
