"""The person page's undo-merge button: who sees it, what it puts back, what it refuses."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from unforgotten.linkage.merges import merge_persons
from unforgotten.store import schema as s
from unforgotten.store.workspace import Workspace


def _two_persons(ws: Workspace) -> tuple[int, int]:
    query = select(s.person.c.id).where(s.person.c.merged_into.is_(None)).order_by(s.person.c.id).limit(2)
    with ws.read() as conn:
        first, second = conn.execute(query).scalars()
    return int(first), int(second)


def _merged_into(ws: Workspace, person: int) -> int | None:
    with ws.read() as conn:
        return conn.execute(select(s.person.c.merged_into).where(s.person.c.id == person)).scalar()


def test_undo_merge_button_puts_the_persons_back(
    registry: Workspace, client_for: Callable[[str], TestClient]
) -> None:
    first, second = _two_persons(registry)
    decision = merge_persons(registry, first, second).decision_id
    assert _merged_into(registry, second) == first
    viewer, admin = client_for("viewer"), client_for("admin")
    assert f"/merges/{decision}/undo" not in viewer.get(f"/persons/{first}").text
    page = admin.get(f"/persons/{first}").text
    assert f'action="/persons/{first}/merges/{decision}/undo"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    forged = viewer.post(f"/persons/{first}/merges/{decision}/undo", data={"csrf": csrf.group(1)})
    assert forged.status_code == 403
    assert admin.post(f"/persons/{first}/merges/{decision}/undo").status_code == 403  # no CSRF token
    done = admin.post(
        f"/persons/{first}/merges/{decision}/undo",
        data={"csrf": csrf.group(1)},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, f"/persons/{first}")
    assert _merged_into(registry, second) is None
    again = admin.post(
        f"/persons/{first}/merges/{decision}/undo",
        data={"csrf": csrf.group(1)},
        headers={"accept": "application/json"},
    )
    assert again.status_code == 400
    assert "is not a merge (its last change was 'merge_undo')" in again.json()["detail"]
