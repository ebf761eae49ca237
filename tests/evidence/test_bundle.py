"""Signed bundles: what goes in, what consent keeps out, and every kind of tampering named by
``verify_bundle`` (and the bag accepted by the bagit library's own validator)."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from tests.evidence.files import SECRET, give_consent, jpeg_with_gps, pdf_with_text, person_with_case
from unforgotten.domain.roles import Role
from unforgotten.errors import PermissionDenied, ValidationError
from unforgotten.evidence import Attach, Evidence, create_bundle, verify_bundle
from unforgotten.store import schema as s
from unforgotten.store.checkpoints import SigningKey
from unforgotten.store.workspace import Workspace


@pytest.fixture
def bag(ws: Workspace, tmp_path: Path) -> tuple[Path, Path, list[int]]:
    """A bundle of one consenting person's case, with three evidence files; and the public key."""
    person_id, case_id = person_with_case(ws)
    give_consent(ws, person_id, may_publish=True)
    (tmp_path / "audio.bin").write_bytes(os.urandom(1_500_000))
    files = [jpeg_with_gps(tmp_path / "photo.jpg"), pdf_with_text(tmp_path / "r.pdf"), tmp_path / "audio.bin"]
    got = Evidence(ws).add(files, attach=Attach(case=case_id), received_from=SECRET)
    out = tmp_path / "bundle"
    create_bundle(ws, out=out, recipient="UN OHCHR Seoul", scope="publication", case=case_id)
    key = tmp_path / "org.pem"
    assert ws.signer is not None
    key.write_text(ws.signer.public_pem())
    return out, key, [g.evidence_id for g in got]


def _problems(path: Path, key: Path) -> list[dict[str, str]]:
    result = verify_bundle(path, public_key=key)
    assert result["valid"] == (not result["problems"])
    return list(result["problems"])


def test_a_bundle_holds_records_evidence_custody_and_consent_and_validates(
    bag: tuple[Path, Path, list[int]], ws: Workspace, tmp_path: Path
) -> None:
    out, key, ids = bag
    bagit.Bag(str(out)).validate()
    assert verify_bundle(out, public_key=key) == {
        "valid": True,
        "problems": [],
        "signed_by": ws.signer.key_id if ws.signer else "",
        "key": "given",
    }
    data = out / "data"
    assert (data / "evidence" / f"{ids[2]}-audio.bin").read_bytes() == (tmp_path / "audio.bin").read_bytes()
    assert (data / "evidence" / f"{ids[0]}-photo.jpg").read_bytes() == (tmp_path / "photo.jpg").read_bytes()
    records = json.loads((data / "records" / "records.json").read_text())
    assert [r["person"]["primary_name"] for r in records] == ["김철수"]
    assert (data / "records" / "persons.csv").read_text().splitlines()[0].startswith("id,")
    custody = json.loads((data / "custody" / f"{ids[0]}.json").read_text())
    assert [e["action"] for e in custody["events"]] == ["evidence_received"]
    assert [c["granted"] for c in json.loads((data / "consent.json").read_text())] == [True]
    info = bagit.Bag(str(out)).info
    assert (info["Unforgotten-Withheld-Persons"], info["Unforgotten-Evidence-Files"]) == ("0", "3")
    assert {"manifest-sha256.txt", "manifest-sha512.txt", "timestamp-request.tsq"} <= {
        p.name for p in out.iterdir()
    }
    everything = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert SECRET.encode() not in everything
    exported = [e["action"] for e in Evidence(ws).custody(ids[0])["events"]]
    assert exported == ["evidence_received", "evidence_exported"]
    with ws.read() as conn:
        made = conn.execute(
            select(s.audit_event.c.detail).where(s.audit_event.c.action == "bundle_created")
        ).scalar()
    assert json.loads(made)["evidence"] == ids and json.loads(made)["recipient"] == "UN OHCHR Seoul"
    assert ws.verify().ok


def test_persons_whose_consent_does_not_cover_the_scope_are_left_out(ws: Workspace, tmp_path: Path) -> None:
    person_id, case_id = person_with_case(ws)
    give_consent(ws, person_id, may_publish=False)
    (tmp_path / "a.txt").write_text("statement")
    Evidence(ws).add([tmp_path / "a.txt"], attach=Attach(person=person_id))
    report = create_bundle(ws, out=tmp_path / "b", recipient="Press", scope="publication", person=person_id)
    assert (report.persons, report.withheld, report.evidence) == ([], 1, [])
    assert bagit.Bag(str(tmp_path / "b")).info["Unforgotten-Withheld-Persons"] == "1"
    assert list((tmp_path / "b" / "data" / "evidence").iterdir()) == []
    assert "김철수" not in (tmp_path / "b" / "data" / "records" / "records.json").read_text()
    give_consent(ws, person_id, may_publish=True)  # newer consent: the next bundle includes them
    again = create_bundle(ws, out=tmp_path / "c", recipient="Press", scope="publication", case=case_id)
    assert (again.persons, again.withheld) == ([person_id], 0)


def test_a_changed_byte_in_an_evidence_file_is_named(bag: tuple[Path, Path, list[int]]) -> None:
    out, key, ids = bag
    target = out / "data" / "evidence" / f"{ids[2]}-audio.bin"
    data = bytearray(target.read_bytes())
    data[12345] ^= 0x80
    target.write_bytes(bytes(data))
    assert _problems(out, key) == [
        {
            "file": f"data/evidence/{ids[2]}-audio.bin",
            "problem": "its sha256 does not match the manifest (changed)",
        },
        {
            "file": f"data/evidence/{ids[2]}-audio.bin",
            "problem": "its sha512 does not match the manifest (changed)",
        },
    ]
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_a_removed_file_is_named(bag: tuple[Path, Path, list[int]]) -> None:
    out, key, ids = bag
    (out / "data" / "custody" / f"{ids[1]}.json").unlink()
    assert _problems(out, key) == [
        {"file": f"data/custody/{ids[1]}.json", "problem": "listed in a manifest but missing"}
    ]


def test_an_edited_manifest_is_named(bag: tuple[Path, Path, list[int]]) -> None:
    out, key, _ = bag
    manifest = out / "manifest-sha256.txt"
    lines = manifest.read_text().splitlines()
    _, name = lines[0].split(maxsplit=1)
    lines[0] = f"{'0' * 64}  {name}"
    manifest.write_text("\n".join(lines) + "\n")
    assert _problems(out, key) == [
        {"file": name, "problem": "its sha256 does not match the manifest (changed)"},
        {"file": "manifest-sha256.txt", "problem": "its sha256 does not match the manifest (changed)"},
        {"file": "manifest-sha256.txt", "problem": "its sha512 does not match the manifest (changed)"},
    ]


def test_a_forged_signature_and_a_wrong_key_are_named(
    bag: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    out, key, _ = bag
    forged = Ed25519PrivateKey.generate().sign(b"something else")
    (out / "tagmanifest-sha512.txt.sig").write_text(base64.b64encode(forged).decode() + "\n")
    [problem] = _problems(out, key)
    assert problem["file"] == "tagmanifest-sha512.txt.sig" and "does not verify" in problem["problem"]
    other = tmp_path / "other.pem"
    other.write_text(SigningKey.generate().public_pem())
    assert [p["file"] for p in _problems(out, other)] == ["tagmanifest-sha512.txt.sig"]


def test_a_re_signed_bag_checked_with_the_organisations_key_is_refused(
    bag: tuple[Path, Path, list[int]], tmp_path: Path
) -> None:
    """Someone who edits a file, rebuilds every manifest and signs with a key of their own (put in
    the bag) passes only a check that trusts the bag's key; the organisation's key refuses it."""
    out, key, ids = bag
    target = out / "data" / "evidence" / f"{ids[2]}-audio.bin"
    target.write_bytes(b"replaced")
    bag_ = bagit.Bag(str(out))
    bag_.save(manifests=True)
    intruder = SigningKey.generate()
    message = b"unforgotten bundle v1\n" + (out / "tagmanifest-sha512.txt").read_bytes()
    (out / "tagmanifest-sha512.txt.sig").write_text(base64.b64encode(intruder.sign_bytes(message)).decode())
    (out / "signing-key.pub").write_text(intruder.public_pem())
    refused = [p for p in _problems(out, key) if p["file"] == "tagmanifest-sha512.txt.sig"]
    assert len(refused) == 1 and "does not verify" in refused[0]["problem"]
    trusting = verify_bundle(out)  # with the key inside the bag, the signature itself holds
    assert "tagmanifest-sha512.txt.sig" not in [p["file"] for p in trusting["problems"]]
    assert trusting["key"] == "included in the bag" and trusting["signed_by"] == intruder.key_id


def test_an_extra_file_in_the_payload_or_beside_it_is_named(bag: tuple[Path, Path, list[int]]) -> None:
    out, key, _ = bag
    (out / "data" / "evidence" / "planted.jpg").write_bytes(b"\xff\xd8\xff")
    (out / "README-added.txt").write_text("trust me")
    assert _problems(out, key) == [
        {"file": "data/evidence/planted.jpg", "problem": "in the payload but in no manifest (added)"},
        {"file": "README-added.txt", "problem": "not part of the bundle (added after it was signed)"},
    ]


def test_a_bundle_needs_a_new_folder_and_one_subject(
    bag: tuple[Path, Path, list[int]], ws: Workspace
) -> None:
    out, _, _ = bag
    with pytest.raises(ValidationError, match="not an empty folder"):
        create_bundle(ws, out=out, recipient="x", scope="publication", person=1)
    with pytest.raises(ValidationError, match="exactly one"):
        create_bundle(ws, out=out.with_name("new"), recipient="x", scope="publication")


def test_an_analyst_bundles_shareable_copies_but_a_viewer_gets_no_file(ws: Workspace, tmp_path: Path) -> None:
    person_id, _ = person_with_case(ws)
    give_consent(ws, person_id, may_publish=True)
    [photo] = Evidence(ws).add([jpeg_with_gps(tmp_path / "p.jpg")], attach=Attach(person=person_id))
    analyst = Workspace(dataclasses.replace(ws.settings, role=Role.ANALYST), engine=ws.engine)
    out = tmp_path / "shared"
    report = create_bundle(
        analyst, out=out, recipient="Press", scope="publication", person=person_id, shareable_copies=True
    )
    copy = (out / "data" / "evidence" / f"{photo.evidence_id}-p.jpg").read_bytes()
    assert b"Canon" not in copy and copy != (tmp_path / "p.jpg").read_bytes()
    assert report.evidence == [photo.evidence_id]
    viewer = Workspace(dataclasses.replace(ws.settings, role=Role.VIEWER), engine=ws.engine)
    with pytest.raises(PermissionDenied):
        Evidence(viewer).get(photo.evidence_id, tmp_path / "x.jpg")
    with pytest.raises(PermissionDenied):
        create_bundle(viewer, out=tmp_path / "v", recipient="x", scope="publication", person=person_id)
