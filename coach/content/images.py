"""Images in content/: a file's bytes must be the kind of image its extension names, and an SVG must be inert.

The content-file route serves only these types, with the Content-Type taken from this table (never guessed
from the bytes by the browser: nosniff). SVG is accepted because diagrams are what training material needs,
but only when it is plain drawing: no scripts, no event handlers, no DOCTYPE or entities. It is served with
a sandboxing CSP as well, so even an SVG that slipped past would run nothing if opened on its own.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from werkzeug.security import safe_join

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


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# Namespaces drawing programs add (Inkscape, Sodipodi, RDF metadata): browsers render and run nothing of them.
EDITOR_NAMESPACES = {"http://www.inkscape.org/namespaces/inkscape",
                     "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
                     "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#",
                     "http://purl.org/dc/elements/1.1/"}
# Drawing, text, paint servers and filters. Not: script, foreignObject, a, iframe-like elements, animation
# (animate/set can rewrite an href), image with outside files, or anything of another namespace.
SVG_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology",
    "feOffset", "feTile",
}
_SAFE_DATA_IMAGE = ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")


def _squeezed(value: str) -> str:
    """The value as a browser reads a URL: without the spaces, tabs and control characters it ignores."""
    return "".join(ch for ch in value if ord(ch) > 32).lower()


def _check_svg_element(tag: str, attributes: dict[str, str], depth: int, line: int) -> None:
    namespace, _sep, name = tag.rpartition(" ")
    if depth == 0 and (name != "svg" or namespace != SVG_NS):
        shown = f"<{name}>" if name != "svg" else f"<svg> of the namespace '{namespace or 'none'}'"
        raise _Unsafe(f"the file is XML but its root element is {shown}, not <svg> of {SVG_NS}")
    if namespace in EDITOR_NAMESPACES:
        return
    if namespace != SVG_NS or name not in SVG_ELEMENTS:
        raise _Unsafe(f"an SVG image may not contain <{name}> (line {line})")
    for attribute, value in attributes.items():
        attr_ns, _sep, local = attribute.rpartition(" ")
        url = _squeezed(value)
        if local.lower().startswith("on") or "javascript:" in url or "vbscript:" in url:
            raise _Unsafe(f"an SVG image may not use the attribute '{local}' (line {line})")
        if local == "href" and attr_ns in ("", XLINK_NS) and not (url.startswith("#") or
                                                                    url.startswith(_SAFE_DATA_IMAGE)):
            raise _Unsafe(f"an SVG image may link only within itself, not to '{value[:60]}' (line {line})")


def svg_problem(raw: bytes) -> str | None:
    """Why `raw` is not an inert SVG drawing, or None: an allow-list of SVG elements, no other namespace but
    drawing programs' notes, no event handlers, no script URLs, no links out, no DOCTYPE, entities or
    processing instructions (an xml-stylesheet could pull in outside code)."""
    if len(raw) > SVG_MAX_BYTES:
        return f"an SVG image may have at most {SVG_MAX_BYTES // 1024} KB"
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = [0]

    def declaration(*_args: object) -> None:
        raise _Unsafe("an SVG image may not have a DOCTYPE or entity declarations")

    def instruction(target: str, _data: str) -> None:
        raise _Unsafe(f"an SVG image may not have processing instructions (<?{target} ...?>)")

    def start(tag: str, attributes: dict[str, str]) -> None:
        _check_svg_element(tag, attributes, depth[0], parser.CurrentLineNumber)
        depth[0] += 1

    def end(_tag: str) -> None:
        depth[0] -= 1

    parser.StartDoctypeDeclHandler = declaration
    parser.EntityDeclHandler = declaration
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = start
    parser.EndElementHandler = end
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


def servable_image(content_dir: Path, path: str) -> tuple[Path, str] | None:
    """The image that `path` ('courses/...', relative to the content folder) names, and its type, when it lies
    under courses/ and its bytes bear out its extension; None for anything else."""
    mimetype = IMAGE_TYPES.get(PurePosixPath(path).suffix.lower())
    if mimetype is None or not path.startswith("courses/"):
        return None
    joined = safe_join(str(content_dir.resolve() / "courses"), path.removeprefix("courses/"))
    file = Path(joined) if joined else None
    if file is None or not file.is_file():
        return None
    stat = file.stat()
    return None if _remembered_problem(str(file), stat.st_mtime_ns, stat.st_size) else (file, mimetype)


@lru_cache(maxsize=4096)
def _remembered_problem(file: str, _mtime_ns: int, _size: int) -> str | None:
    """`image_problem`, checked once per version of the file: the route asks on every request."""
    return image_problem(Path(file))


def check_images(root: Path, problems: Problems) -> None:
    """Report every image under courses/ whose bytes do not match its extension (the route could serve it)."""
    for path in sorted((root / "courses").rglob("*")):
        if path.suffix.lower() in IMAGE_TYPES and path.is_file():
            problem = image_problem(path)
            if problem:
                problems.error(path.relative_to(root).as_posix(), 1, problem)
