"""Reviewing what an import could not match: each perpetrator or facility value that named no
single known entity is a proposal, open until someone accepts it (naming the entity it means:
the attribution or the act's place is then written by the accountability service, in the same
transaction as the decision) or rejects it (with a reason). Nothing is created silently.

A proposal for a named person holds the name encrypted; it is shown only to a role holding
``read_perpetrators``, and every listing that shows names is audited with the proposal ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from unforgotten.accountability.matching import name_at
from unforgotten.accountability.service import Accountability, organisation_id
from unforgotten.domain.roles import Permission, may
from unforgotten.errors import FieldErrors, NotFoundError
from unforgotten.records.fields import check_text
from unforgotten.store import schema as s
from unforgotten.store.schema_accountability import attribution_proposal as ap
from unforgotten.store.workspace import Workspace
from unforgotten.store.writer import Writer, now_iso

__all__ = ["STATES", "accept", "list_proposals", "reject"]

STATES = ("open", "accepted", "rejected")
WITHHELD = "[withheld]"


def _text(ws: Workspace, row: Any, *, names: bool) -> str:
    if row["text_enc"] is None:
        return str(row["text"])
    if not names:
        return WITHHELD
    clear = ws.keyring.decrypt(row["text_enc"], context=f"attribution_proposal.text_enc.{row['id']}")
    return str(clear)


def _row_dict(ws: Workspace, conn: Connection, row: Any, *, names: bool) -> dict[str, Any]:
    sources = dict(
        conn.execute(
            select(s.import_batch.c.id, s.source.c.name).join(
                s.source, s.source.c.id == s.import_batch.c.source_id
            )
        ).all()
    )
    return {
        "id": int(row["id"]),
        "act_id": int(row["act_id"]),
        "batch_id": int(row["batch_id"]),
        "source": sources.get(row["batch_id"]),
        "row": int(row["row_number"]),
        "field": row["field"],
        "text": _text(ws, row, names=names),
        "involvement": row["involvement"],
        "role": row["role"],
        "unit": name_at(conn, int(row["organisation_id"]), row["at_date"])
        if row["organisation_id"]
        else None,
        "date": row["at_date"].isoformat() if row["at_date"] else None,
        "state": row["state"],
        "decided": (
            {
                "kind": row["decided_kind"],
                "id": row["decided_id"],
                "by": row["decided_by"],
                "at": row["decided_at"],
                "reason": row["decision_reason"],
            }
            if row["state"] != "open"
            else None
        ),
    }


def list_proposals(ws: Workspace, *, state: str = "open") -> list[dict[str, Any]]:
    """The proposals in ``state`` (``all``: every one), oldest first. Names of persons are shown
    to a role holding ``read_perpetrators`` (audited), ``[withheld]`` to others."""
    ws.require(Permission.READ)
    ws.ensure_ready()
    if state not in (*STATES, "all"):
        raise FieldErrors({"state": f"{state!r}: use one of {', '.join((*STATES, 'all'))}"}, what="listing")
    names = may(ws.settings.role.value, Permission.READ_PERPETRATORS)
    query = select(ap).order_by(ap.c.id)
    if state != "all":
        query = query.where(ap.c.state == state)
    with ws.read() as conn:
        out = [_row_dict(ws, conn, r, names=names) for r in conn.execute(query).mappings()]
    shown = [p["id"] for p in out if p["field"] == "perpetrator_name"]
    if names and shown:
        ws.audit(action="read_perpetrators", subject="attribution_proposal", detail={"proposals": shown})
    return out


def _open(w: Writer, proposal_id: int) -> Any:
    row = w.conn.execute(select(ap).where(ap.c.id == proposal_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"proposal {proposal_id} does not exist")
    if row["state"] != "open":
        raise FieldErrors(
            {"proposal": f"proposal {proposal_id} was already {row['state']}; nothing changed"},
            what="decision",
        )
    return row


def _decide(w: Writer, row: Any, *, state: str, kind: str | None, entity: int | None, reason: str) -> None:
    values = {
        "state": state,
        "decided_kind": kind,
        "decided_id": entity,
        "decided_by": w.actor,
        "decided_at": now_iso(),
        "decision_reason": reason,
    }
    w.update(ap, int(row["id"]), values, reason=reason)


def _source_name(conn: Connection, batch_id: int) -> str:
    return str(
        conn.execute(
            select(s.source.c.name)
            .join(s.import_batch, s.import_batch.c.source_id == s.source.c.id)
            .where(s.import_batch.c.id == batch_id)
        ).scalar_one()
    )


def accept(
    ws: Workspace, proposal_id: int, to: str, *, reason: str = "", remember: bool = False
) -> dict[str, Any]:
    """Accept proposal ``proposal_id``: the value means ``to`` (an organisation by id, key or
    name; a person by id; a facility by id, key or name). The attribution (or the act's place) is
    written with the list as its source and the row as its citation. ``remember``: keep the
    spelling as an alias of the organisation, so the next import matches it."""
    ws.require(Permission.EDIT)
    ws.ensure_ready()
    why = check_text("reason", reason or f"proposal {proposal_id} accepted", required=True, what="decision")
    with ws.write(action="proposal_accept", subject=f"attribution_proposal:{proposal_id}") as w:
        row = _open(w, proposal_id)
        acc = Accountability(ws).within(w)
        kind, entity = _apply(acc, w, row, to, why)
        if remember and kind == "organisation":
            acc.add_name(str(entity), {"text": _text(ws, row, names=True), "kind": "alias"}, reason=why)
        _decide(w, row, state="accepted", kind=kind, entity=entity, reason=why)
    return {"id": proposal_id, "state": "accepted", "kind": kind, "entity": entity}


def _apply(acc: Accountability, w: Writer, row: Any, to: str, why: str) -> tuple[str, int]:
    from unforgotten.accountability.query import facility_id  # noqa: PLC0415 - a cycle otherwise

    act, field = int(row["act_id"]), str(row["field"])
    citation = f"import batch {row['batch_id']}, row {row['row_number']}"
    source = _source_name(w.conn, int(row["batch_id"]))
    common = {"involvement": row["involvement"], "source": source, "citation": citation, "reason": why}
    if field == "facility":
        found = facility_id(w.conn, to)
        if acc.at_facility(act):  # held at another facility already: another act of the incident
            acc.also_at(act, str(found), reason=why)
        else:
            acc.place_act(act, str(found), reason=why)
        return "facility", found
    if field == "perpetrator_unit":
        org = organisation_id(w.conn, to, row["at_date"])
        acc.attribute(act, org=str(org), text=row["role"] or "", **common)
        return "organisation", org
    if not to.strip().isdigit():
        raise FieldErrors(
            {"to": "name the person by their id (`unforgotten person show ID`)"}, what="decision"
        )
    unit = str(row["organisation_id"]) if row["organisation_id"] else None
    acc.attribute(act, person_id=int(to), org=unit, text=row["role"] or "", **common)
    return "person", int(to)


def reject(ws: Workspace, proposal_id: int, *, reason: str) -> dict[str, Any]:
    """Reject proposal ``proposal_id`` (the value names no entity the registry should hold)."""
    ws.require(Permission.EDIT)
    ws.ensure_ready()
    why = check_text("reason", reason, required=True, what="decision")
    with ws.write(action="proposal_reject", subject=f"attribution_proposal:{proposal_id}") as w:
        _decide(w, _open(w, proposal_id), state="rejected", kind=None, entity=None, reason=why)
    return {"id": proposal_id, "state": "rejected"}
