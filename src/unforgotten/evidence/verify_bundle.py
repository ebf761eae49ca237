"""Checking a bundle as its recipient does: with the ``bagit`` library and the organisation's
public key only (no registry, no network).

Every problem found is named with the file it concerns: a payload file changed, missing or
added (the BagIt manifests), a manifest or ``bag-info.txt`` edited (the tag manifests), a file
at the top of the bag that belongs to no part of it, a signature that does not verify with the
key, and a timestamp request that is not for the signed bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import bagit
from asn1crypto import tsp
from cryptography.exceptions import InvalidSignature

from unforgotten.errors import ConfigError, ValidationError
from unforgotten.evidence.bundle import PUBLIC_KEY, SIGNATURE, SIGNED, TIMESTAMP_REQUEST, signed_bytes
from unforgotten.store.checkpoints import SigningKey

__all__ = ["verify_bundle"]

_TOP = {"bagit.txt", "bag-info.txt", SIGNATURE, PUBLIC_KEY, TIMESTAMP_REQUEST, "timestamp-token.tsr"}


def _problem(file: str, problem: str) -> dict[str, str]:
    return {"file": file, "problem": problem}


def _bag_problems(path: Path) -> list[dict[str, str]]:
    """Every file against the manifests and every manifest against the tag manifests (all named,
    not only the first), then the ``bagit`` library's own validation as the last word."""
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [_problem(path.name, f"not a valid BagIt bag ({exc})")]
    missing, added = bag.compare_manifests_with_fs()
    found = [_problem(p, "listed in a manifest but missing") for p in sorted(missing)]
    found += [_problem(p, "in the payload but in no manifest (added)") for p in sorted(added)]
    for name, expected in sorted(bag.entries.items()):
        if name not in missing and (path / name).is_file():
            found += [
                _problem(name, f"its {algorithm} does not match the manifest (changed)")
                for algorithm, digest in sorted(_digests(path / name, expected).items())
                if digest != expected[algorithm].lower()
            ]
    try:
        with _quiet():
            bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        if not found:
            found = [_detail(d) for d in exc.details] or [_problem("bag-info.txt", str(exc.message))]
    return found


@contextmanager
def _quiet() -> Iterator[None]:
    """The problems are returned, so bagit's own log lines are not also printed."""
    logger, level = logging.getLogger("bagit"), logging.getLogger("bagit").level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _digests(file: Path, expected: dict[str, str]) -> dict[str, str]:
    hashes = {a: hashlib.new(a) for a in expected if a in hashlib.algorithms_guaranteed}
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            for h in hashes.values():
                h.update(chunk)
    return {a: h.hexdigest() for a, h in hashes.items()}


def _detail(detail: Any) -> dict[str, str]:
    if isinstance(detail, bagit.ChecksumMismatch):
        return _problem(detail.path, f"{detail.algorithm} does not match the manifest (changed)")
    if isinstance(detail, bagit.FileMissing):
        return _problem(detail.path, "listed in a manifest but missing")
    if isinstance(detail, bagit.UnexpectedFile):
        return _problem(detail.path, "in the payload but in no manifest (added)")
    return _problem(str(getattr(detail, "path", "")), str(detail))


def _stray(path: Path) -> list[dict[str, str]]:
    """Files at the top of the bag that are neither BagIt tag files nor the signature's."""
    found = []
    for entry in sorted(path.iterdir()):
        name = entry.name
        known = name in _TOP or (name.startswith(("manifest-", "tagmanifest-")) and name.endswith(".txt"))
        if entry.is_dir() and name == "data":
            continue
        if not known:
            found.append(_problem(name, "not part of the bundle (added after it was signed)"))
    return found


def _key(path: Path, public_key: Path | None) -> tuple[SigningKey, str]:
    source = public_key or path / PUBLIC_KEY
    try:
        text = source.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: cannot read the public key ({exc})") from exc
    return SigningKey.from_public_text(
        text, origin=str(source)
    ), "given" if public_key else "included in the bag"


def _signature_problems(path: Path, key: SigningKey) -> list[dict[str, str]]:
    try:
        message = signed_bytes((path / SIGNED).read_bytes())
        signature = base64.b64decode((path / SIGNATURE).read_text(encoding="ascii").strip(), validate=True)
    except FileNotFoundError as exc:
        return [
            _problem(
                Path(str(exc.filename)).name, "missing: the bundle cannot be checked against its signature"
            )
        ]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return [_problem(SIGNATURE, "not a base64 signature")]
    try:
        key.public.verify(signature, message)
    except InvalidSignature:
        return [
            _problem(
                SIGNATURE, f"the signature does not verify with key {key.key_id} (forged, or content changed)"
            )
        ]
    return []


def _timestamp_problems(path: Path) -> list[dict[str, str]]:
    request_file = path / TIMESTAMP_REQUEST
    if not request_file.exists() or not (path / SIGNED).exists():
        return []
    try:
        request = tsp.TimeStampReq.load(request_file.read_bytes())
        imprint = request["message_imprint"]["hashed_message"].native
    except (ValueError, TypeError):
        return [_problem(TIMESTAMP_REQUEST, "not an RFC 3161 timestamp request")]
    if imprint != hashlib.sha512(signed_bytes((path / SIGNED).read_bytes())).digest():
        return [_problem(TIMESTAMP_REQUEST, "asks a timestamp for other bytes than the signed tag manifest")]
    return []


def verify_bundle(path: Path, *, public_key: Path | None = None) -> dict[str, Any]:
    """Check the bag at ``path``; ``public_key`` (PEM or hex) is the key the organisation gave
    the recipient (without it, the key inside the bag is used and the answer says so)."""
    if not path.is_dir():
        raise ValidationError(f"{path}: not a folder; a bundle is the folder `bundle create` wrote")
    key, origin = _key(path, public_key)
    problems = _bag_problems(path) + _stray(path) + _signature_problems(path, key) + _timestamp_problems(path)
    return {
        "valid": not problems,
        "problems": problems,
        "signed_by": key.key_id,
        "key": origin,
    }
