"""Hostile XML: every attack is refused with a clear message, and nothing is read or expanded."""

from __future__ import annotations

import pytest

from hub.formats import registry
from hub.formats.errors import FormatError
from hub.formats.xml import XmlCodec, safe

CODEC = XmlCodec()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<documents xmlns="urn:supplierhub:canonical:1"><purchaseOrder><number>&lol9;</number></purchaseOrder></documents>
"""


def _xxe(path: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE Order [<!ENTITY xxe SYSTEM "file://{path}">]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
       xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&xxe;</cbc:ID></Order>
""".encode()


@pytest.fixture
def secret(tmp_path):
    """A local file whose content must never show up anywhere."""
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-MARKER-4711")
    return path


def _only_error(data: bytes) -> FormatError:
    result = CODEC.parse(data)
    assert not result.documents
    errors = result.all_errors
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_billion_laughs_is_refused_before_expansion():
    error = _only_error(BILLION_LAUGHS)
    assert error.code == "forbidden"
    assert "DOCTYPE" in error.text and error.position.line == 2
    assert "lollol" not in str(error)


def test_external_entity_to_a_local_file_is_refused_and_not_read(secret):
    for data in (_xxe(str(secret)), _xxe("/etc/passwd")):
        error = _only_error(data)
        assert error.code == "forbidden" and "DOCTYPE" in error.text
        assert "TOP-SECRET" not in str(error) and "root:" not in str(error)


def test_external_dtd_and_parameter_entities_are_refused(secret):
    external = f'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file://{secret}">\n<x/>'.encode()
    parameter = f'<!DOCTYPE x [<!ENTITY % p SYSTEM "file://{secret}"> %p;]><x/>'.encode()
    for data in (external, parameter):
        error = _only_error(data)
        assert error.code == "forbidden" and "TOP-SECRET" not in str(error)


def test_doctype_hidden_in_utf16_is_refused(secret):
    data = f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x [<!ENTITY a SYSTEM "file://{secret}">]><x>&a;</x>'.encode("utf-16")
    error = _only_error(data)
    assert error.code == "forbidden" and "DOCTYPE" in error.text


def test_any_plain_doctype_is_refused():
    error = _only_error(b'<!DOCTYPE documents>\n<documents xmlns="urn:supplierhub:canonical:1"/>')
    assert "DOCTYPE" in error.text


def test_cxml_doctype_with_internal_subset_is_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/cXML.dtd" [<!ENTITY x "y">]>
<cXML><Request><OrderRequest/></Request></cXML>"""
    assert _only_error(data).code == "forbidden"


def test_entity_declaration_without_doctype_is_refused():
    assert _only_error(b'<x><![CDATA[ok]]></x><!ENTITY a "b">').code in ("forbidden", "syntax")


def test_undeclared_entity_reference_is_not_resolved():
    error = _only_error(
        b'<documents xmlns="urn:supplierhub:canonical:1"><purchaseOrder><number>&secret;</number></purchaseOrder></documents>'
    )
    assert "entity" in error.text


def test_huge_depth_is_refused():
    depth = 10_000
    data = b'<documents xmlns="urn:supplierhub:canonical:1">' + b"<a>" * depth + b"</a>" * depth + b"</documents>"
    error = _only_error(data)
    assert error.code == "forbidden" and "deeper" in error.text


def test_huge_depth_is_refused_on_the_streaming_path_too():
    depth = 10_000
    data = b'<documents xmlns="urn:supplierhub:canonical:1">' + b"<a>" * depth + b"</a>" * depth + b"</documents>"
    assert _only_error(data).code == "forbidden"


def test_registry_detects_hostile_xml_as_xml_and_reports_the_refusal(secret):
    detection, result = registry.parse(_xxe(str(secret)))
    assert detection.codec in ("xml", "ubl")
    assert result.all_errors and "DOCTYPE" in result.all_errors[0].text


def test_parser_factory_options():
    parser = safe.make_parser()
    # lxml does not expose the options; parse a document with an entity to prove they hold
    from lxml import etree

    root = etree.fromstring(b'<!DOCTYPE x [<!ENTITY e "expanded">]><x>&e;</x>', parser)
    assert "expanded" not in etree.tostring(root).decode()


def test_docinfo_check_refuses_a_doctype_that_got_past_the_screen():
    from lxml import etree

    tree = etree.fromstring(b'<!DOCTYPE x SYSTEM "x.dtd"><x/>', safe.make_parser()).getroottree()
    with pytest.raises(FormatError, match="DOCTYPE"):
        safe._check_docinfo(tree)


def test_no_xinclude_anywhere():
    from pathlib import Path

    package = Path(safe.__file__).parent
    for source in package.rglob("*.py"):
        assert ".xinclude(" not in source.read_text(), source
