"""Raw bytes are stored content-addressed: the same bytes once, whoever sends them."""

from __future__ import annotations

import hashlib
import io

from hub.ingest.receive import interchange_receive
from hub.parties import party_of_user


def test_the_same_bytes_are_stored_once_under_their_sha256(world):
    data = b"UNA:+.? 'UNB+UNOC:3+X+Y+261202:1000+1'UNZ+0+1'"
    party = party_of_user(world["users"]["admin"])
    first = interchange_receive(stream=io.BytesIO(data), channel="api", party=party, filename="a.edi")
    other = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["supplier"]), filename="b.edi")
    sha = hashlib.sha256(data).hexdigest()
    assert first.raw.name == other.raw.name == f"interchanges/sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    with other.raw.open("rb") as fh:
        assert fh.read() == data
