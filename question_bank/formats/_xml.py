"""Safe XML parsing for every format: no DTDs, no entity expansion, no network, bounded sizes."""

from __future__ import annotations

from lxml import etree

from ._common import FormatError, check_size


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
    )


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse bytes as XML, honouring the file's own encoding declaration.

    Any DOCTYPE (and so any entity declaration: billion laughs, external entities) is refused.
    """
    check_size(data, source)
    line = _prolog_doctype_line(bytes(data))
    if line is not None:
        raise FormatError(
            source,
            line,
            "DTDs and entity declarations are not allowed (entity expansion is "
            "off: refused to protect against billion-laughs and external-entity attacks)",
        )
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise FormatError(source, line, f"not well-formed XML: {exc.msg}") from None
    if root is None:
        raise FormatError(source, None, "empty XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise FormatError(source, None, "DTDs and entity declarations are not allowed")
    for el in root.iter(etree.Entity):  # pragma: no cover - a DOCTYPE is refused above
        raise FormatError(source, el.sourceline, "entity references are not allowed")
    return root


def _prolog_doctype_line(data: bytes) -> int | None:
    """Line of a <!DOCTYPE in the prolog (before the root element), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data[:65536].decode("utf-16", errors="ignore").encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    i, n = 0, len(data)
    while i < n:
        while i < n and data[i] in b" \t\r\n":
            i += 1
        if data.startswith(b"<?", i):
            j = data.find(b"?>", i)
            i = n if j < 0 else j + 2
        elif data.startswith(b"<!--", i):
            j = data.find(b"-->", i)
            i = n if j < 0 else j + 3
        elif data[i : i + 9].upper() == b"<!DOCTYPE" or data[i : i + 8].upper() == b"<!ENTITY":
            return data[:i].count(b"\n") + 1
        else:
            return None
    return None


def localname(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(el) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""
