"""Merge by hand, split and undo on the registry: exact restores, refusals, and a model-based property."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from unforgotten.errors import ConflictError, ValidationError
from unforgotten.ingest import import_file
from unforgotten.linkage.merges import merge_persons, split_person, undo_merge
from unforgotten.settings import Settings
from unforgotten.store import schema as s
from unforgotten.store.schema_linkage import link_decision
from unforgotten.store.verify import verify_store
from unforgotten.store.workspace import Workspace

HEADER = "record_id,full_name,sex,birth_date,case_type,event_date\n"
ROWS = [
    "r1,Kim Young-su,M,1952,pow,1953",
    "r2,Pak Chol,M,1960,abductee_postwar,1977-08",
    "r3,Ri Sun-hui,F,1948,detainee,1997",
    "r4,Choe Myong-ho,M,1971,abductee_postwar,1987",
    "r5,Han Ok-ja,F,1939,pow,1951",
    "r6,Jang Song,M,1955,detainee,2001",
]


def _load(ws: Workspace, folder: Path) -> None:
    (folder / "a.csv").write_text(HEADER + "\n".join(ROWS[:3]) + "\n", encoding="utf-8")
    (folder / "b.csv").write_text(HEADER + "\n".join(r.replace("r", "q", 1) for r in ROWS[3:]) + "\n")
    import_file(ws, folder / "a.csv", source="A")
    import_file(ws, folder / "b.csv", source="B")


def _roots(ws: Workspace) -> dict[int, int]:
    """Record store id → the person it belongs to now."""
    query = select(s.source_record.c.id, s.person.c.id, s.person.c.merged_into).join(
        s.person, s.person.c.id == s.source_record.c.person_id
    )
    with ws.read() as conn:
        return {int(r): int(m or p) for r, p, m in conn.execute(query)}


def _decisions(ws: Workspace) -> dict[tuple[int, int], str]:
    query = select(link_decision.c.record_l, link_decision.c.record_r, link_decision.c.decision)
    with ws.read() as conn:
        return {(int(a), int(b)): d for a, b, d in conn.execute(query) if d != "withdrawn"}


def test_undo_restores_the_persons_and_decisions_of_before(ws: Workspace, tmp_path: Path) -> None:
    _load(ws, tmp_path)
    before = _roots(ws)
    first = merge_persons(ws, 1, 2)
    second = merge_persons(ws, 1, 3)  # 1+2 and 3: the merged person grows
    assert set(_roots(ws).values()) == {1, 4, 5, 6}
    undo_merge(ws, second.decision_id)
    assert _roots(ws) == {**before, 2: 1}
    undo_merge(ws, first.decision_id)
    assert _roots(ws) == before
    assert _decisions(ws) == {}
    with ws.read() as conn:
        assert verify_store(conn).ok


def test_undo_refuses_when_a_later_change_touched_the_same_persons(ws: Workspace, tmp_path: Path) -> None:
    _load(ws, tmp_path)
    merged = merge_persons(ws, 2, 3)
    merge_persons(ws, 1, 2)  # person 1 is smaller: 2 and 3 now point at 1
    state = (_roots(ws), _decisions(ws))
    with pytest.raises(ConflictError, match=r"person 3 was changed since, by merge person:1\+2"):
        undo_merge(ws, merged.decision_id)
    assert (_roots(ws), _decisions(ws)) == state


def test_split_names_its_arguments_and_lists_the_records_it_can_move(ws: Workspace, tmp_path: Path) -> None:
    _load(ws, tmp_path)
    merge_persons(ws, 1, 4)
    merge_persons(ws, 1, 5)
    listing = "record 1 (person 1), record 4 (person 4), record 5 (person 5)"
    with pytest.raises(
        ValidationError, match=re.escape(f"record 99 is not one of person 1's records: {listing}")
    ):
        split_person(ws, 1, [99])
    with pytest.raises(ValidationError, match="person 2 is not part of person 1"):
        split_person(ws, 1, persons=[2])
    roots = _roots(ws)
    moved = split_person(ws, 1, persons=[5])
    assert moved == 5
    assert _roots(ws) == {**roots, 5: 5}
    assert _decisions(ws)[(1, 5)] == "rejected" and _decisions(ws)[(4, 5)] == "rejected"


def test_a_merge_withdraws_keep_apart_decisions_and_its_undo_puts_them_back(
    ws: Workspace, tmp_path: Path
) -> None:
    _load(ws, tmp_path)
    merge_persons(ws, 1, 2)
    split_person(ws, 1, persons=[2])
    kept_apart = _decisions(ws)
    assert kept_apart[(1, 2)] == "rejected"
    again = merge_persons(ws, 1, 2)
    assert _decisions(ws) == {(1, 2): "accepted"}
    undo_merge(ws, again.decision_id)
    assert _decisions(ws) == kept_apart
    assert _roots(ws)[2] == 2


# ------------------------------------------------------------------ model-based property (SQLite)
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    ws = Workspace(
        Settings.build(db=str(folder / "r.db"), key_file=str(folder / "r.key"), actor="test:officer")
    )
    ws.init()
    _load(ws, folder)
    ws.engine.dispose()
    return folder


class MergeMachine(RuleBasedStateMachine):
    """Random merge / split / undo sequences against a model of persons as a partition."""

    folder: Path

    def __init__(self) -> None:
        super().__init__()
        work = self.folder.parent / f"run{id(self)}"
        shutil.copytree(self.folder, work, dirs_exist_ok=True)
        self.ws = Workspace(Settings.build(db=str(work / "r.db"), key_file=str(work / "r.key"), actor="t:u"))
        self.roots = _roots(self.ws)  # model: record → person (records are persons 1..6 here)
        self.decisions: dict[tuple[int, int], str] = {}
        self.merges: dict[int, tuple[dict[int, int], dict[int, int], dict[tuple[int, int], str], dict]] = {}
        self.pairs: dict[int, tuple[int, int]] = {}

    @rule(a=st.integers(1, 6), b=st.integers(1, 6))
    def merge(self, a: int, b: int) -> None:
        ra, rb = self.roots[a], self.roots[b]
        if ra == rb:
            with pytest.raises(ValidationError):
                merge_persons(self.ws, a, b)
            return
        before_roots, before_dec = dict(self.roots), dict(self.decisions)
        report = merge_persons(self.ws, a, b)
        keep, drop = min(ra, rb), max(ra, rb)
        side_a = sorted(r for r, p in self.roots.items() if p == ra)
        side_b = sorted(r for r, p in self.roots.items() if p == rb)
        for pair, d in list(self.decisions.items()):
            crosses = {pair[0] in side_a, pair[1] in side_a} == {True, False} and set(pair) <= {
                *side_a,
                *side_b,
            }
            if d == "rejected" and crosses:
                del self.decisions[pair]
        pair = (min(side_a[0], side_b[0]), max(side_a[0], side_b[0]))
        self.decisions[pair] = "accepted"
        self.pairs[report.decision_id] = pair
        self.roots = {r: keep if p == drop else p for r, p in self.roots.items()}
        written = {r: keep for r, p in before_roots.items() if p == drop}
        self.merges[report.decision_id] = (before_roots, written, before_dec, dict(self.decisions))
        assert report.person_id == keep

    @rule(person=st.integers(1, 6), data=st.data())
    def split(self, person: int, data: st.DataObject) -> None:
        root = self.roots[person]
        group = sorted(r for r, p in self.roots.items() if p == root)
        if len(group) < 2:
            with pytest.raises(ValidationError):
                split_person(self.ws, person, persons=group)
            return
        moving = data.draw(st.lists(st.sampled_from(group), min_size=1, max_size=len(group) - 1, unique=True))
        new = split_person(self.ws, person, persons=moving)
        staying = [r for r in group if r not in moving]
        assert new == min(moving)
        for r in group:
            self.roots[r] = min(moving) if r in moving else min(staying)
        for left in moving:
            for right in staying:
                self.decisions[(min(left, right), max(left, right))] = "rejected"

    @rule(data=st.data())
    def undo(self, data: st.DataObject) -> None:
        if not self.merges:
            return
        decision = data.draw(st.sampled_from(sorted(self.merges)))
        before_roots, written, before_dec, after_dec = self.merges[decision]
        if self.decisions.get(self.pairs[decision]) != "accepted":  # undone already, or split since
            with pytest.raises(ValidationError, match="is not a merge"):
                undo_merge(self.ws, decision)
            return
        touched_dec = {k for k in set(before_dec) | set(after_dec) if before_dec.get(k) != after_dec.get(k)}
        unchanged = all(self.roots[p] == w for p, w in written.items()) and all(
            self.decisions.get(k) == after_dec.get(k) for k in touched_dec
        )
        if not unchanged:
            state = _roots(self.ws)
            with pytest.raises(ConflictError):
                undo_merge(self.ws, decision)
            assert _roots(self.ws) == state
            return
        undo_merge(self.ws, decision)
        del self.merges[decision]
        for p in written:
            self.roots[p] = before_roots[p]
        for k in touched_dec:
            if k in before_dec:
                self.decisions[k] = before_dec[k]
            else:
                self.decisions.pop(k, None)

    @invariant()
    def registry_matches_the_model(self) -> None:
        assert _roots(self.ws) == self.roots
        assert _decisions(self.ws) == self.decisions
        for (a, b), d in self.decisions.items():
            assert (self.roots[a] == self.roots[b]) == (d == "accepted"), (a, b, d)

    def teardown(self) -> None:
        with self.ws.read() as conn:
            assert verify_store(conn).ok
        self.ws.engine.dispose()


def test_merge_split_undo_sequences_keep_the_registry_and_the_model_equal(template: Path) -> None:
    MergeMachine.folder = template
    machine = MergeMachine.TestCase
    machine.settings = settings(
        max_examples=40,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
