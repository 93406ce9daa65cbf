"""Images in content/: a file's bytes must be the kind of image its extension names, and an SVG must be inert.

The content-file route serves only these types, with the Content-Type taken from this table (never guessed
from the bytes by the browser: nosniff). SVG is accepted because diagrams are what training material needs,
but only when it is plain drawing: no scripts, no event handlers, no DOCTYPE or entities. It is served with
a sandboxing CSP as well, so even an SVG that slipped past would run nothing if opened on its own.
"""
from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

from coach.content.problems import Problems

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
IMAGE_SUFFIXES = tuple(IMAGE_TYPES)

_RASTER_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}
SVG_MAX_BYTES = 1024 * 1024


def raster_type(head: bytes) -> str | None:
    """The raster image type that a file's first bytes (its magic number) show, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


class _Unsafe(Exception):
    """An SVG construct that could run code or read other files."""


def svg_problem(raw: bytes) -> str | None:
    """Why `raw` is not an inert SVG drawing, or None."""
    if len(raw) > SVG_MAX_BYTES:
        return f"an SVG image may have at most {SVG_MAX_BYTES // 1024} KB"
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    elements: list[str] = []

    def declaration(*_args: object) -> None:
        raise _Unsafe("an SVG image may not have a DOCTYPE or entity declarations")

    def start(tag: str, attributes: dict[str, str]) -> None:
        name = tag.rpartition(" ")[2]
        if not elements and name != "svg":
            raise _Unsafe(f"the file is XML but its root element is <{name}>, not <svg>")
        if name in ("script", "foreignObject"):
            raise _Unsafe(f"an SVG image may not contain <{name}> (line {parser.CurrentLineNumber})")
        for attribute, value in attributes.items():
            local = attribute.rpartition(" ")[2]
            if local.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                raise _Unsafe(f"an SVG image may not use the attribute '{local}' (line {parser.CurrentLineNumber})")
        elements.append(name)

    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    parser.StartElementHandler = start
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        return f"the file is not an SVG image (not well-formed XML: {expat.ErrorString(exc.code)}, line {exc.lineno})"
    except _Unsafe as exc:
        return str(exc)
    return None


def image_problem(path: Path) -> str | None:
    """Why the file at `path` cannot be served as the image type its extension names, or None."""
    declared = IMAGE_TYPES.get(path.suffix.lower())
    if declared is None:
        return f"images must be one of {', '.join(IMAGE_SUFFIXES)}"
    if declared == "image/svg+xml":
        return svg_problem(path.read_bytes())
    with path.open("rb") as file:
        found = raster_type(file.read(16))
    if found != declared:
        what = f"a {_RASTER_NAMES[found]} image" if found else "not an image"
        return f"the file is {what}, but its name says {_RASTER_NAMES[declared]}"
    return None


def check_images(root: Path, problems: Problems) -> None:
    """Report every image under courses/ whose bytes do not match its extension (the route could serve it)."""
    for path in sorted((root / "courses").rglob("*")):
        if path.suffix.lower() in IMAGE_TYPES and path.is_file():
            problem = image_problem(path)
            if problem:
                problems.error(path.relative_to(root).as_posix(), 1, problem)
