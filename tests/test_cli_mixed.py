"""``translate`` of mixed files: supported messages come out, each refused one is named on stderr."""

from __future__ import annotations

import json

from tests.delfor_builder import delfor, message
from tests.formats.x12_samples import BODY_850, interchange
from tests.test_cli import run

# An X12 810 (invoice) written from the 004010 standard: BIG, N1, IT1, TDS.
BODY_810 = ["BIG*20260301*INV-1**PO-900", "N1*SU*Zulieferer GmbH*92*SUP00001", "IT1*1*10*EA*2.5**BP*4711-001", "TDS*2500"]
# An EDIFACT INVOIC (D.96A) between DELFOR messages: UNH, BGM 380, DTM 137, UNT.
INVOIC = "UNH+9+INVOIC:D:96A:UN'BGM+380+INV-9+9'DTM+137:20260301:102'UNT+4+9'"


def test_x12_850_among_an_810_comes_out_and_the_810_is_named(tmp_path):
    path = tmp_path / "mixed.x12"
    path.write_text(interchange([("850", BODY_850), ("810", BODY_810)], functional_id="PO"))
    result = run("translate", str(path))
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    assert [d["type"] for d in docs] == ["purchase_order"]
    assert "transaction set 810 (Invoice) is not carried by the hub" in result.stderr and "[message 0002]" in result.stderr


def test_strict_makes_a_refused_message_exit_2_with_nothing_on_stdout(tmp_path):
    path = tmp_path / "mixed.x12"
    path.write_text(interchange([("850", BODY_850), ("810", BODY_810)], functional_id="PO"))
    result = run("translate", str(path), "--strict")
    assert result.returncode == 2 and result.stdout == ""
    assert "810" in result.stderr


def test_edifact_invoic_between_delfors_refuses_only_itself(tmp_path):
    data = delfor([message("1", "CO1"), message("2", "CO2")])
    head, tail = data.split(b"UNZ+")
    # The INVOIC goes before UNZ, whose count becomes 3.
    path = tmp_path / "mixed.edi"
    path.write_bytes(head + INVOIC.encode() + b"UNZ+" + tail.replace(b"2+", b"3+", 1))
    result = run("translate", str(path))
    assert result.returncode == 0, result.stderr
    assert [d["number"] for d in json.loads(result.stdout)] == ["CO1", "CO2"]
    assert result.stderr.strip().splitlines() == [
        f"{path}: segment 1 (UNH), element 2, component 1: message type INVOIC is not carried by the hub "
        "(it takes APERAK, CONTRL, DELFOR, DELJIT, DESADV, ORDERS, ORDRSP) [message 9]"
    ]


def test_a_file_of_refused_messages_only_exits_2(tmp_path):
    path = tmp_path / "invoices.x12"
    path.write_text(interchange([("810", BODY_810)], functional_id="IN"))
    result = run("translate", str(path))
    assert result.returncode == 2 and result.stdout == ""


def test_tolerate_counts_turns_a_unz_mismatch_into_a_warning(tmp_path):
    path = tmp_path / "count.edi"
    path.write_bytes(delfor([message("1", "CO1"), message("2", "CO2")], count=3))
    result = run("translate", str(path), "--tolerate-counts")
    assert result.returncode == 0, result.stderr
    assert [d["number"] for d in json.loads(result.stdout)] == ["CO1", "CO2"]
    assert "warning: tolerated: segment 45 (UNZ), element 1: UNZ counts 3 messages but the interchange has 2" in result.stderr
