"""The push-based sealer (a request body as it arrives) writes what :func:`seal` writes of the
same bytes, whatever the piece sizes: the same plain bytes back, the same hashes, the last-chunk
flag on the last chunk (a file of whole chunks included)."""

from __future__ import annotations

import hashlib
import io
import os
import secrets

import pytest

from unforgotten.errors import CryptoError
from unforgotten.store.files import CHUNK, Sealer, open_sealed, seal


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 2 * CHUNK + 12_345])
@pytest.mark.parametrize("piece", [1000, 65_536, CHUNK, 3 * CHUNK])
def test_pieces_of_any_size_seal_the_same_bytes(size: int, piece: int) -> None:
    plain, key = os.urandom(size), secrets.token_bytes(32)
    pushed, whole = io.BytesIO(), io.BytesIO()
    sealer = Sealer(pushed, key)
    for start in range(0, size, piece):
        sealer.write(plain[start : start + piece])
    digests = sealer.finish()
    assert digests == seal(io.BytesIO(plain), whole, key)
    assert (digests.sha256, digests.sha512, digests.size) == (
        hashlib.sha256(plain).hexdigest(),
        hashlib.sha512(plain).hexdigest(),
        size,
    )
    assert len(pushed.getvalue()) == len(whole.getvalue())
    pushed.seek(0)
    assert b"".join(open_sealed(pushed, key, name="pushed")) == plain


def test_a_file_cut_at_a_chunk_boundary_fails_to_open() -> None:
    key = secrets.token_bytes(32)
    out = io.BytesIO()
    sealer = Sealer(out, key)
    sealer.write(os.urandom(2 * CHUNK))
    sealer.finish()
    cut = io.BytesIO(out.getvalue()[: 12 + CHUNK + 16])  # header and the first chunk only
    with pytest.raises(CryptoError, match="chunk 0 does not open"):
        b"".join(open_sealed(cut, key, name="cut"))
