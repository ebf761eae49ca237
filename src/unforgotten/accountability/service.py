"""Writing accountability facts: organisations, their names and parents over time, posts,
facilities and their operators, and attributions of acts.

Every write is one :meth:`Workspace.write <unforgotten.store.workspace.Workspace.write>`: the rows,
their versions and one audit event, or nothing. Every fact names its source (a source of the
registry, by name) with a citation and a confidence; an attribution without a source is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from unforgotten.accountability.matching import match_key, match_organisation
from unforgotten.domain.dates import parse_partial_date
from unforgotten.domain.roles import Permission
from unforgotten.errors import FieldErrors, NotFoundError
from unforgotten.records.fields import check_confidence, check_text
from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import (
    attribution,
    facility,
    facility_operator,
    org_name,
    org_parent,
    organisation,
    post,
)
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["INVOLVEMENTS", "NAME_KINDS", "ORG_KINDS", "Accountability", "dates_of", "source_id"]

ORG_KINDS = (
    "state_security",
    "public_security",
    "military",
    "party",
    "judiciary",
    "prosecution",
    "camp_administration",
    "abduction_agency",
    "other",
)
NAME_KINDS = ("hangul", "english", "alias", "abbreviation")

#: Involvement codes and the words accepted for them.
INVOLVEMENTS: dict[str, tuple[str, ...]] = {
    "direct": ("direct", "direct perpetrator", "perpetrator", "직접"),
    "ordered": ("ordered", "order", "지시"),
    "commanded": ("commanded", "command", "지휘"),
    "instigated": ("instigated", "instigate", "교사"),
    "complicit": ("complicit", "complicity", "방조"),
    "member_of": ("member_of", "unknown member of", "member", "소속"),
}


def _involvement(value: str) -> str:
    wanted = value.strip().casefold().replace("-", " ").replace("_", " ")
    for code, words in INVOLVEMENTS.items():
        if wanted in {w.replace("_", " ") for w in words}:
            return code
    raise FieldErrors(
        {"involvement": f"{value!r} is not an involvement; use one of {', '.join(INVOLVEMENTS)}"},
        what="attribution",
    )


def dates_of(start: str = "", end: str = "", *, field: str = "dates") -> dict[str, Any]:
    """The dated columns for a period written as two partial dates (``1973``, ``2016-06``, ``c. 1990``;
    empty: open). The first day ``start`` can mean to the last day ``end`` can mean."""
    first = parse_partial_date(start or None)
    last = parse_partial_date(end or None)
    for text, parsed in ((start, first), (end, last)):
        if text.strip() and parsed.start is None:
            raise FieldErrors({field: f"{text!r} is not a date this registry reads"}, what="fact")
    if first.start and last.end and last.end < first.start:
        raise FieldErrors({field: f"ends ({end}) before it starts ({start})"}, what="fact")
    raw = f"{start.strip()}–{end.strip()}" if (start.strip() or end.strip()) else None
    return {
        "valid_from": first.start,
        "valid_to": last.end,
        "dates_raw": raw,
        "dates_uncertain": bool(first.circa or last.circa),
    }


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def source_id(conn: Connection, name: str | None, *, what: str, required: bool) -> int | None:
    """The id of the source called ``name``; a clear refusal when it is missing and required."""
    if not (name or "").strip():
        if required:
            raise FieldErrors(
                {
                    "source": f"{_article(what)} {what} needs the source that says so (--source NAME); "
                    "nothing saved"
                },
                what=what,
            )
        return None
    found = conn.execute(select(s.source.c.id).where(s.source.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"source {name!r} does not exist (add it with `unforgotten source add`)")
    return int(found)


def organisation_id(conn: Connection, ref: str | int, at: date | None = None) -> int:
    """An organisation by id, key or any of its names (:class:`NotFoundError` otherwise)."""
    text = str(ref).strip()
    if text.isdigit():
        if conn.execute(select(organisation.c.id).where(organisation.c.id == int(text))).first():
            return int(text)
        raise NotFoundError(f"organisation {text} does not exist")
    by_key = conn.execute(select(organisation.c.id).where(organisation.c.key == text)).scalar()
    if by_key is not None:
        return int(by_key)
    found = match_organisation(conn, text, at)
    if found is None:
        raise NotFoundError(
            f"no single organisation is called {text!r} (try `unforgotten org list`, or its id or key)"
        )
    return found.id


class Accountability:
    """The accountability service of one workspace (see the module docstring)."""

    def __init__(self, ws: Workspace, *, writer: Writer | None = None) -> None:
        self.ws = ws
        self._writer = writer

    def within(self, writer: Writer) -> Accountability:
        """The same service writing inside ``writer``'s transaction (an import's, a review
        decision's): its facts join that transaction and its one audit event."""
        return Accountability(self.ws, writer=writer)

    def _may(self, permission: Permission) -> None:
        self.ws.require(permission)
        if self._writer is None:
            self.ws.ensure_ready()

    @contextmanager
    def _write(self, *, action: str, subject: str) -> Iterator[Writer]:
        if self._writer is None:
            with self.ws.write(action=action, subject=subject) as w:
                yield w
            return
        kept = self._writer.subject
        yield self._writer
        self._writer.subject = kept

    # ---------------------------------------------------------------------------- organisations
    def add_org(
        self,
        key: str,
        *,
        kind: str,
        names: Sequence[Mapping[str, str]],
        note: str = "",
        reason: str = "organisation added",
    ) -> int:
        """A new organisation with its names (each ``text``, ``kind`` and optional ``from``, ``to``,
        ``source``, ``citation``, ``confidence``)."""
        self._may(Permission.EDIT)
        key = key.strip()
        if not key or len(key) > 80:
            raise FieldErrors({"key": "is required, at most 80 characters"}, what="organisation")
        if kind not in ORG_KINDS:
            raise FieldErrors({"kind": f"{kind!r}: use one of {', '.join(ORG_KINDS)}"}, what="organisation")
        if not names:
            raise FieldErrors({"names": "an organisation needs at least one name"}, what="organisation")
        with self._write(action="org_add", subject=f"organisation:{key}") as w:
            if w.conn.execute(select(organisation.c.id).where(organisation.c.key == key)).first():
                raise FieldErrors({"key": f"an organisation {key!r} exists already"}, what="organisation")
            org_id = w.allocate(organisation)
            w.insert(
                organisation,
                [{"id": org_id, "key": key, "kind": kind, "note": note or None, "dissolved_on": None}],
                reason=reason,
            )
            for name in names:
                self._insert_name(w, org_id, name, reason)
            w.subject = f"organisation:{org_id}"
        return org_id

    def _insert_name(self, w: Writer, org_id: int, name: Mapping[str, str], reason: str) -> int:
        text = check_text("name", name.get("text", ""), required=True, what="organisation name")
        kind = name.get("kind", "english")
        if kind not in NAME_KINDS:
            raise FieldErrors({"kind": f"{kind!r}: use one of {', '.join(NAME_KINDS)}"}, what="name")
        name_id = w.allocate(org_name)
        w.insert(
            org_name,
            [
                {
                    "id": name_id,
                    "organisation_id": org_id,
                    "text": text,
                    "kind": kind,
                    "match_key": match_key(text)[:300],
                    **dates_of(name.get("from", ""), name.get("to", "")),
                    "source_id": source_id(w.conn, name.get("source"), what="name", required=False),
                    "citation": name.get("citation") or None,
                    "confidence": check_confidence(name.get("confidence") or "confirmed"),
                }
            ],
            reason=reason,
        )
        return name_id

    def rename(
        self,
        ref: str,
        new_name: str,
        *,
        on: str,
        kind: str = "hangul",
        source: str | None = None,
        citation: str = "",
        reason: str = "renamed",
    ) -> int:
        """The organisation took ``new_name`` on ``on``: its current name of that kind ends the day
        before, the new one starts that day. Both stay names of the organisation."""
        self._may(Permission.EDIT)
        start = parse_partial_date(on or None)
        if start.start is None:
            raise FieldErrors({"on": "a renaming needs the date it took effect"}, what="renaming")
        with self._write(action="org_rename", subject=f"organisation:{ref}") as w:
            org_id = organisation_id(w.conn, ref)
            current = w.conn.execute(
                select(org_name.c.id).where(
                    org_name.c.organisation_id == org_id,
                    org_name.c.kind == kind,
                    org_name.c.valid_to.is_(None),
                )
            ).scalars()
            for name_id in current:
                w.update(
                    org_name,
                    int(name_id),
                    {"valid_to": date.fromordinal(start.start.toordinal() - 1)},
                    reason=reason,
                )
            name_id = self._insert_name(
                w,
                org_id,
                {"text": new_name, "kind": kind, "from": on, "source": source or "", "citation": citation},
                reason,
            )
            w.subject = f"organisation:{org_id}"
        return name_id

    def add_name(self, ref: str, name: Mapping[str, str], *, reason: str = "name added") -> int:
        """Another name (an alias, an abbreviation, a former name with its dates)."""
        self._may(Permission.EDIT)
        with self._write(action="org_name", subject=f"organisation:{ref}") as w:
            org_id = organisation_id(w.conn, ref)
            w.subject = f"organisation:{org_id}"
            return self._insert_name(w, org_id, name, reason)

    def set_parent(
        self,
        ref: str,
        parent: str,
        *,
        start: str = "",
        end: str = "",
        source: str | None = None,
        citation: str = "",
        confidence: str = "confirmed",
        reason: str = "parent recorded",
    ) -> int:
        """``ref`` was a unit of ``parent`` from ``start`` to ``end``."""
        self._may(Permission.EDIT)
        with self._write(action="org_parent", subject=f"organisation:{ref}") as w:
            org_id, parent_id = organisation_id(w.conn, ref), organisation_id(w.conn, parent)
            if org_id == parent_id:
                raise FieldErrors({"parent": "an organisation cannot be its own parent"}, what="parent link")
            link_id = w.allocate(org_parent)
            w.insert(
                org_parent,
                [
                    {
                        "id": link_id,
                        "organisation_id": org_id,
                        "parent_id": parent_id,
                        **dates_of(start, end),
                        "source_id": source_id(w.conn, source, what="parent link", required=False),
                        "citation": citation or None,
                        "confidence": check_confidence(confidence),
                    }
                ],
                reason=reason,
            )
            w.subject = f"organisation:{org_id}"
        return link_id

    def dissolve(self, ref: str, *, on: str, reason: str = "dissolved") -> None:
        """The organisation ceased to exist on ``on``."""
        self._may(Permission.EDIT)
        when = parse_partial_date(on or None)
        if when.end is None:
            raise FieldErrors({"on": "a dissolution needs its date"}, what="dissolution")
        with self._write(action="org_dissolve", subject=f"organisation:{ref}") as w:
            org_id = organisation_id(w.conn, ref)
            w.update(organisation, org_id, {"dissolved_on": when.end, "dissolved_raw": on}, reason=reason)
            w.subject = f"organisation:{org_id}"

    # ---------------------------------------------------------------------------- posts
    def add_post(
        self,
        person_id: int,
        org: str,
        *,
        title: str,
        start: str = "",
        end: str = "",
        command: bool = False,
        source: str | None,
        citation: str = "",
        confidence: str = "confirmed",
        reason: str = "post recorded",
    ) -> int:
        """Person ``person_id`` held post ``title`` in ``org`` from ``start`` to ``end``."""
        self._may(Permission.EDIT)
        title = check_text("title", title, required=True, what="post")
        with self._write(action="post_add", subject=f"person:{person_id}") as w:
            if not w.conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first():
                raise NotFoundError(f"person {person_id} does not exist")
            post_id = w.allocate(post)
            w.insert(
                post,
                [
                    {
                        "id": post_id,
                        "person_id": person_id,
                        "organisation_id": organisation_id(w.conn, org),
                        "title": title,
                        "command": command,
                        **dates_of(start, end),
                        "source_id": source_id(w.conn, source, what="post", required=True),
                        "citation": citation or None,
                        "confidence": check_confidence(confidence),
                    }
                ],
                reason=reason,
            )
        return post_id

    # ---------------------------------------------------------------------------- facilities
    def set_operator(
        self,
        facility_ref: str,
        org: str,
        *,
        start: str = "",
        end: str = "",
        source: str | None = None,
        citation: str = "",
        reason: str = "operator recorded",
    ) -> int:
        """``org`` ran the facility from ``start`` to ``end``."""
        self._may(Permission.EDIT)
        from unforgotten.accountability.query import facility_id  # noqa: PLC0415 - a cycle otherwise

        with self._write(action="facility_operator", subject=f"facility:{facility_ref}") as w:
            fac_id = facility_id(w.conn, facility_ref)
            row_id = w.allocate(facility_operator)
            w.insert(
                facility_operator,
                [
                    {
                        "id": row_id,
                        "facility_id": fac_id,
                        "organisation_id": organisation_id(w.conn, org),
                        **dates_of(start, end),
                        "source_id": source_id(w.conn, source, what="operator", required=False),
                        "citation": citation or None,
                        "confidence": "confirmed",
                    }
                ],
                reason=reason,
            )
            w.subject = f"facility:{fac_id}"
        return row_id

    def place_act(self, act_id: int, facility_ref: str, *, reason: str) -> None:
        """The act happened at the facility (the act's place becomes the facility's place)."""
        self._may(Permission.EDIT)
        from unforgotten.accountability.query import facility_id  # noqa: PLC0415 - a cycle otherwise

        why = check_text("reason", reason, required=True, what="act")
        with self._write(action="act_facility", subject=f"act:{act_id}") as w:
            location = w.conn.execute(
                select(facility.c.location_id).where(facility.c.id == facility_id(w.conn, facility_ref))
            ).scalar_one()
            w.update(s.act, act_id, {"location_id": int(location)}, reason=why)

    def also_at(self, act_id: int, facility_ref: str, *, reason: str) -> int:
        """The victim was also held at the facility: another act of the same incident (the same
        violation against the same victim) placed there. Returns the new act's id."""
        self._may(Permission.EDIT)
        from unforgotten.accountability.query import facility_id  # noqa: PLC0415 - a cycle otherwise

        why = check_text("reason", reason, required=True, what="act")
        with self._write(action="act_facility", subject=f"act:{act_id}") as w:
            act = w.conn.execute(select(s.act).where(s.act.c.id == act_id)).mappings().first()
            if act is None:
                raise NotFoundError(f"act {act_id} does not exist")
            location = w.conn.execute(
                select(facility.c.location_id).where(facility.c.id == facility_id(w.conn, facility_ref))
            ).scalar_one()
            new_id = w.allocate(s.act)
            copied = {str(column): value for column, value in act.items()}  # plain str keys for hashing
            w.insert(s.act, [{**copied, "id": new_id, "location_id": int(location)}], reason=why)
        return new_id

    def at_facility(self, act_id: int) -> bool:
        """Whether the act's own place is a facility's."""
        with self._read() as conn:
            place = conn.execute(select(s.act.c.location_id).where(s.act.c.id == act_id)).scalar()
            found = conn.execute(select(facility.c.id).where(facility.c.location_id == place)).first()
        return place is not None and found is not None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._writer is not None:
            yield self._writer.conn
            return
        with self.ws.read() as conn:
            yield conn

    # ---------------------------------------------------------------------------- attributions
    def attribute(
        self,
        act_id: int,
        *,
        involvement: str,
        source: str | None,
        person_id: int | None = None,
        org: str | None = None,
        text: str = "",
        citation: str = "",
        confidence: str = "probable",
        reason: str = "attribution recorded",
    ) -> int:
        """Attribute act ``act_id`` to a person, an organisation, or an unknown individual (``text``)
        of an organisation, with an involvement and the source that says so (required)."""
        self._may(Permission.EDIT)
        code = _involvement(involvement)
        level = check_confidence(confidence)
        text = check_text("perpetrator", text, what="attribution")
        if person_id is None and not org and not text:
            raise FieldErrors(
                {
                    "perpetrator": "name a person (--person ID), an organisation (--org NAME) or describe "
                    "them (--text)"
                },
                what="attribution",
            )
        with self._write(action="attribution_add", subject=f"act:{act_id}") as w:
            source_row = source_id(w.conn, source, what="attribution", required=True)
            act = w.conn.execute(select(s.act.c.id, s.act.c.date_start).where(s.act.c.id == act_id)).first()
            if act is None:
                raise NotFoundError(f"act {act_id} does not exist")
            if (
                person_id is not None
                and not w.conn.execute(select(s.person.c.id).where(s.person.c.id == person_id)).first()
            ):
                raise NotFoundError(f"person {person_id} does not exist")
            org_id = organisation_id(w.conn, org, act.date_start) if org else None
            row_id = w.allocate(attribution)
            w.insert(
                attribution,
                [
                    {
                        "id": row_id,
                        "act_id": act_id,
                        "person_id": person_id,
                        "organisation_id": org_id,
                        "text": text or None,
                        "involvement": code,
                        "source_id": source_row,
                        "citation": citation or None,
                        "confidence": level,
                        "author": self.ws.settings.actor,
                        "recorded_at": now_iso(),
                        "retired_reason": None,
                    }
                ],
                reason=reason,
            )
        return row_id
