"""IDoc files are read IDoc by IDoc; text the database cannot store refuses its IDoc with the field named."""

from __future__ import annotations

import io

from hub.formats.idoc import IdocCodec
from tests.formats.test_idoc import DOCNUM, flat, orders_idoc

FLAT = IdocCodec()


def test_each_idoc_is_one_message_with_its_own_envelope():
    first, second = orders_idoc("0000000000000001"), orders_idoc("0000000000000002")
    stream = FLAT.stream(io.BytesIO(flat(first, second)))
    messages = list(stream)
    assert [m.ref for m in messages] == ["0000000000000001", "0000000000000002"]
    assert [m.interchange for m in messages] == [0, 1]
    assert [e.control_ref for e in stream.envelopes] == ["0000000000000001", "0000000000000002"]
    assert not stream.errors
    assert FLAT.parse(flat(first, second)).documents == [d for m in messages for d in m.documents]


def test_a_nul_in_a_field_refuses_that_idoc_alone_with_record_and_field():
    good = orders_idoc()
    bad = orders_idoc("0000000000000002")
    bad[3] = bad[3].replace("OEM Plants Group", "OEM Plants\x00Group")
    result = FLAT.parse(flat(good, bad))
    assert [m.ok for m in result.messages] == [True, False]
    (error,) = result.messages[1].errors
    assert str(error) == (
        "record 20 (E1EDKA1), field NAME1: holds a NUL character (or a lone surrogate), which cannot be stored; "
        "remove it and send the file again [IDoc 0000000000000002]"
    )
    assert result.messages[0].ref == DOCNUM and result.messages[0].documents
