"""VDA dates in codes.py: YYMMDD, special dates, ISO-week and month buckets, both ways."""

from __future__ import annotations

import pytest

from hub.formats import codes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("260105", ("day", "2026-01-05", None, None)),
        ("240229", ("day", "2024-02-29", None, None)),
        ("260001", ("week", None, "2025-12-29", "2026-01-04")),  # ISO week 1 of 2026 starts in 2025
        ("200053", ("week", None, "2020-12-28", "2021-01-03")),
        ("240200", ("month", None, "2024-02-01", "2024-02-29")),
        ("261200", ("month", None, "2026-12-01", "2026-12-31")),
        ("000000", ("end", None, None, None)),
        ("      ", ("end", None, None, None)),
        ("222222", ("none", None, None, None)),
        ("333333", ("backlog", None, None, None)),
        ("444444", ("immediate", None, None, None)),
        ("555555", ("switch", None, None, None)),
        ("999999", ("remaining", None, None, None)),
    ],
)
def test_vda_date(value: str, expected: tuple[str, str | None, str | None, str | None]) -> None:
    assert codes.vda_date(value) == expected


@pytest.mark.parametrize("value", ["261332", "260230", "260054", "260000", "2601", "26O105", "１２３４５６"])
def test_vda_date_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        codes.vda_date(value)


def test_iso_to_vda() -> None:
    assert codes.iso_to_vda(date="2026-01-05") == "260105"
    assert codes.iso_to_vda(date="2026-01-05T06:30") == "260105"
    assert codes.iso_to_vda(start="2025-12-29", end="2026-01-04") == "260001"
    assert codes.iso_to_vda(start="2024-02-01", end="2024-02-29") == "240200"
    with pytest.raises(ValueError, match="neither an ISO week nor a calendar month"):
        codes.iso_to_vda(start="2026-01-05", end="2026-01-09")
    with pytest.raises(ValueError, match="two digits"):
        codes.iso_to_vda(date="1999-12-31")


def test_vda_time() -> None:
    assert codes.vda_time("0630") == "06:30"
    assert codes.vda_time("    ") is None
    for bad in ("2400", "1260", "12:3"):
        with pytest.raises(ValueError):
            codes.vda_time(bad)


def test_units() -> None:
    assert [codes.unit_to_rec20(u, "vda") for u in ("ST", "KG", "ME", "LI", "PA", "M2")] == ["C62", "KGM", "MTR", "LTR", "PR", "MTK"]
    assert [codes.unit_from_rec20(u, "vda") for u in ("C62", "KGM")] == ["ST", "KG"]
