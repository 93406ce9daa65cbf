"""Markdown to sanitized HTML, done once at sync time: nothing renders Markdown on a page view."""
from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

MODULE_URL = "/learn/modules/{key}"
CONTENT_FILE_URL = "/learn/files/{path}"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "mark",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    """A module rendered: its body, its table of contents and its plain text for search."""

    html: str
    toc: str
    text: str


def sanitize(raw_html: str) -> str:
    """Keep only safe tags, attributes and URL schemes (applied to every stored HTML)."""
    return nh3.clean(raw_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def plain_text(safe_html: str) -> str:
    """The visible text of sanitized HTML, whitespace folded."""
    text = nh3.clean(safe_html, tags=set(), attributes={})
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


class _LinkRewriter(Treeprocessor):
    """Point module links at module pages and images at the content file route."""

    def __init__(self, md: markdown.Markdown, resolve_link: Callable[[str], str | None],
                 resolve_image: Callable[[str], str | None]) -> None:
        super().__init__(md)
        self.resolve_link = resolve_link
        self.resolve_image = resolve_image

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href"):
                target = self.resolve_link(element.get("href", ""))
                if target is not None:
                    element.set("href", target)
            elif element.tag == "img" and element.get("src"):
                target = self.resolve_image(element.get("src", ""))
                if target is not None:
                    element.set("src", target)
                element.set("loading", "lazy")


class _LinkExtension(Extension):
    def __init__(self, resolve_link: Callable[[str], str | None],
                 resolve_image: Callable[[str], str | None]) -> None:
        super().__init__()
        self.resolve_link = resolve_link
        self.resolve_image = resolve_image

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 — Markdown's API name
        md.treeprocessors.register(_LinkRewriter(md, self.resolve_link, self.resolve_image), "coach_links", 1)


def render_markdown(
    source: str,
    *,
    resolve_link: Callable[[str], str | None] = lambda _href: None,
    resolve_image: Callable[[str], str | None] = lambda _src: None,
) -> Rendered:
    """Render Markdown (tables, code, TOC, admonitions, footnotes) and sanitize the result."""
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "codehilite", "toc", "admonition", "footnotes", "sane_lists",
                    _LinkExtension(resolve_link, resolve_image)],
        extension_configs={
            "codehilite": {"css_class": "codehilite", "guess_lang": False},
            "toc": {"toc_depth": "2-3"},
            "footnotes": {"BACKLINK_TEXT": "↩"},
        },
        output_format="html",
    )
    body = sanitize(md.convert(source))
    toc = sanitize(getattr(md, "toc", ""))
    if "<li>" not in toc:
        toc = ""
    return Rendered(html=body, toc=toc, text=plain_text(body))


def render_user_markdown(source: str) -> str:
    """Render Markdown that a user typed (reviews, notes, evidence): sanitized, no links rewritten."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return sanitize(md.convert(source))


def resolve_relative(base_file: str, target: str) -> str:
    """Resolve `target` relative to the folder of `base_file` (both relative to content/)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), target))
