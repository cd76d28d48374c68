"""Safe XML loading for the CAP adapter: defusedxml only, no DTD, no entities, no external references."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DET

from streams.errors import AdapterError


def load_xml(payload: bytes, what: str) -> Element:
    """The root element of ``payload``; anything unsafe or not well-formed is an AdapterError.

    A DOCTYPE is refused outright: CAP, EDXL-DE, Atom and RSS never need one, and it is where
    external-entity (XXE) and entity-expansion ("billion laughs") attacks live. The declared encoding
    (UTF-8, UTF-16, ISO-8859-1, ...) and a byte-order mark are honoured by the parser.
    """
    try:
        return DET.fromstring(bytes(payload), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        msg = (
            f"{what} has a <!DOCTYPE> declaration; it is refused because DTDs carry external-entity and "
            "entity-expansion attacks (CAP never needs one): remove the DOCTYPE"
        )
        raise AdapterError(msg) from None
    except defusedxml.EntitiesForbidden as exc:
        msg = f"{what} declares the XML entity {exc.name!r}; entity declarations are refused (entity attacks)"
        raise AdapterError(msg) from None
    except defusedxml.ExternalReferenceForbidden:
        msg = f"{what} refers to an external resource; external references are refused (XXE attacks)"
        raise AdapterError(msg) from None
    except defusedxml.DefusedXmlException as exc:
        msg = f"{what} uses an XML feature that is refused for safety: {type(exc).__name__}"
        raise AdapterError(msg) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":", 1)[0]
        msg = f"{what} is not well-formed XML: {reason} at line {line}, column {column}"
        raise AdapterError(msg) from None
    except (ValueError, LookupError, UnicodeError) as exc:  # e.g. an encoding the parser cannot use
        msg = f"{what} cannot be read as XML: {str(exc)[:100]}"
        raise AdapterError(msg) from None


def split_tag(tag: object) -> tuple[str, str]:
    """``"{ns}local"`` as ``(ns, local)``; comments and processing instructions give ``("", "")``."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def child_text(parent: Element, ns: str, name: str) -> str | None:
    """The stripped text of the first ``<ns:name>`` child; empty or absent is ``None``."""
    el = parent.find(f"{{{ns}}}{name}" if ns else name)
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def children_text(parent: Element, ns: str, name: str) -> list[str]:
    """The stripped texts of every ``<ns:name>`` child, empty ones dropped."""
    out = []
    for el in parent.findall(f"{{{ns}}}{name}" if ns else name):
        text = "".join(el.itertext()).strip()
        if text:
            out.append(text)
    return out
