"""The perpetrator fields of the act form: a known person (id), an organisation (any of its names),
unknown individuals (text), an involvement, and the source that says so, written by the same
attribution service as ``unforgotten attribute`` (:class:`~unforgotten.accountability.Accountability`).

The fields are checked before the act is saved, so an attribution that would be refused (no
source, an organisation no name finds) leaves the act unsaved too; the errors show next to the
fields."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from unforgotten.accountability import Accountability
from unforgotten.accountability.service import INVOLVEMENTS, organisation_id
from unforgotten.domain.vocab import CONFIDENCE
from unforgotten.errors import FieldErrors, NotFoundError
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace
from unforgotten.web.forms import Field
from unforgotten.web.i18n import translate

__all__ = ["check", "fields", "given", "save"]


def fields(ws: Workspace) -> tuple[Field, ...]:
    """The fieldset, with the registry's sources to choose from."""
    with ws.read() as conn:
        names = [str(n) for n in conn.execute(select(s.source.c.name).order_by(s.source.c.name)).scalars()]
    return (
        Field("att_person", "f_att_person", "number", help="h_att_person"),
        Field("att_org", "f_att_org", help="h_att_org"),
        Field("att_text", "f_att_text", help="h_att_text"),
        Field(
            "att_involvement",
            "f_involvement",
            "select",
            lambda lang: [("", "—"), *((c, translate(lang, f"inv_{c}")) for c in INVOLVEMENTS)],
        ),
        Field("att_source", "f_att_source", "select", lambda _: [("", "—"), *((n, n) for n in names)]),
        Field("att_citation", "f_citation"),
        Field(
            "att_confidence",
            "f_att_confidence",
            "select",
            lambda lang: [(c, translate(lang, f"conf_{c}")) for c in CONFIDENCE.codes],
        ),
    )


def given(typed: Mapping[str, str]) -> bool:
    """Whether the form names a perpetrator at all."""
    return any(typed.get(k, "").strip() for k in ("att_person", "att_org", "att_text"))


def check(ws: Workspace, typed: Mapping[str, str]) -> None:
    """Refuse, before anything is saved, what the attribution service would refuse."""
    errors: dict[str, str] = {}
    person = typed.get("att_person", "").strip()
    with ws.read() as conn:
        if person and not (
            person.isdigit()
            and conn.execute(select(s.person.c.id).where(s.person.c.id == int(person))).first()
        ):
            errors["att_person"] = f"no person has the id {person!r}"
        if typed.get("att_org", "").strip():
            try:
                organisation_id(conn, typed["att_org"])
            except NotFoundError as exc:
                errors["att_org"] = str(exc)
    if not typed.get("att_source", "").strip():
        errors["att_source"] = "an attribution needs the source that says so; nothing saved"
    if errors:
        raise FieldErrors(errors, what="act")


def save(ws: Workspace, act_id: int, typed: Mapping[str, str], *, reason: str) -> int:
    """Attribute act ``act_id`` as the form says; returns the attribution's id."""
    person = typed.get("att_person", "").strip()
    default = "direct" if person else "member_of"
    return Accountability(ws).attribute(
        act_id,
        involvement=typed.get("att_involvement", "").strip() or default,
        source=typed.get("att_source", ""),
        person_id=int(person) if person else None,
        org=typed.get("att_org", "").strip() or None,
        text=typed.get("att_text", ""),
        citation=typed.get("att_citation", ""),
        confidence=typed.get("att_confidence", "") or "probable",
        reason=reason,
    )
