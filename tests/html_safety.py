"""Is this HTML safe to serve? A checker for served pages and stored HTML, shared by the XSS tests.

`unsafe_html(page)` lists what a browser could run or load: a script element other than the app's own
`<script src="/static/...">`, an `on*` event-handler attribute, a URL attribute (href, src, action,
formaction, xlink:href, data, SVG animation values, ...) that starts with `javascript:`, `vbscript:` or a
`data:` URL other than a raster image, an element that loads or replaces documents (`iframe`, `object`,
`embed`, `base`, ...), `<meta http-equiv=refresh>`, a stylesheet from elsewhere, and CSS (`style` attribute or
element) with `expression(`, `javascript:`, `behavior:`, `-moz-binding` or `@import`.

Where Python's parser and a browser's would read the same bytes differently, the checker takes the stricter
reading or flags the construct itself: markup inside `<title>`/`<textarea>`, `<noscript>`-like raw-text
elements, CDATA sections and comments that browsers close early. `<style>` content is read as markup (as
inside SVG and MathML). `assert_safe_html` raises with the list; `shown_as_text(page, text)` says whether
`text` appears escaped, as a reader sees plain text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markupsafe

# Attributes whose value a browser follows or loads as a URL (SVG animation values included:
# `<set attributeName=href to=javascript:...>` turns `to` into a link target).
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "dynsrc", "lowsrc",
    "codebase", "cite", "longdesc", "ping", "manifest", "icon", "archive", "classid", "profile", "usemap",
    "to", "from", "values", "by", "srcset",
})
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:", "data:")
SAFE_DATA_URL = re.compile(r"^data:image/(png|gif|jpeg|webp)[;,]")
# Elements that load, embed or replace a document, or change how every later URL resolves; and the raw-text
# elements whose content a browser does not read as markup (Python's parser does, so neither may appear).
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
                                "isindex", "layer", "ilayer", "bgsound", "xml", "import",
                                "noscript", "noembed", "noframes", "xmp", "plaintext"})
# Browsers read no markup inside these: escaped text never puts a '<' there.
RCDATA_ELEMENTS = frozenset({"title", "textarea"})
APP_SCRIPT = re.compile(r"^/static/[\w./-]+\.js$")
BAD_CSS = ("expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import")
# Browsers strip C0 controls and spaces around a URL and drop tabs and line breaks anywhere in it (WHATWG URL);
# old ones also skipped other control characters, so those go too. A space inside a scheme makes the URL relative.
_URL_EDGES = "".join(map(chr, range(0x21)))
_IGNORED_IN_URL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")


def normalised_url(value: str) -> str:
    """An attribute value (entities already decoded, as the parser does) as a browser reads its scheme."""
    return _IGNORED_IN_URL.sub("", value.strip(_URL_EDGES)).lower()


def dangerous_url(value: str) -> bool:
    """True for javascript:, vbscript: and data: URLs other than plain raster images."""
    url = normalised_url(value)
    if url.startswith("data:"):
        return not SAFE_DATA_URL.match(url)
    return url.startswith(BAD_SCHEMES)


def _urls(attribute: str, value: str) -> list[str]:
    """The URLs an attribute holds: SVG animation values are `;`-separated, srcset candidates `,`-separated."""
    if attribute in ("to", "from", "values", "by"):
        return [value, *value.split(";")]
    if attribute == "srcset":
        return [value, *(part.split()[0] for part in value.split(",") if part.split())]
    return [value]


def _css_text(value: str) -> str:
    """CSS as the engine reads it: comments gone, escapes decoded, whitespace dropped, lowercase."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else ""
        return match.group(2)

    text = _CSS_ESCAPE.sub(unescape, _CSS_COMMENT.sub("", value))
    return re.sub(r"[\x00-\x20\x7f-\x9f]", "", text).lower()


def dangerous_css(value: str) -> bool:
    """True when CSS could run script or fetch a stylesheet (expression, javascript: URLs, bindings, @import)."""
    text = _css_text(value)
    return any(bad in text for bad in BAD_CSS)


@dataclass(frozen=True)
class Finding:
    """One unsafe thing in a page: where it is and what it is."""

    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


class _Checker(HTMLParser):
    """Collects findings while parsing; attribute values arrive entity-decoded, as a browser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []
        self._script: tuple[str, list[str]] | None = None  # (src, inline text) of the open script
        self._style: list[str] | None = None  # the open style element's text
        self._rcdata: str | None = None  # the open title or textarea

    def _flag(self, problem: str) -> None:
        self.findings.append(Finding(self.getpos()[0], problem))

    def set_cdata_mode(self, elem: str, *args: Any, **kwargs: Any) -> None:
        """Read <style> content as markup (the stricter reading, and the browser's inside SVG and MathML)."""
        if elem != "style":
            super().set_cdata_mode(elem, *args, **kwargs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)
        if tag == "script":
            self._script = (dict(attrs).get("src") or "", [])
        elif tag == "style":
            self._style = []
        elif tag in RCDATA_ELEMENTS and self._rcdata is None:
            self._rcdata = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)
        if tag == "script":
            self._check_script(dict(attrs).get("src") or "", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._rcdata:
            self._rcdata = None
        elif self._rcdata:
            self._flag(f"</{tag}> inside <{self._rcdata}>")
        if tag == "script" and self._script is not None:
            self._check_script(self._script[0], "".join(self._script[1]))
            self._script = None
        elif tag == "style" and self._style is not None:
            self._check_style("".join(self._style))
            self._style = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        elif self._style is not None:
            self._style.append(data)

    def handle_comment(self, data: str) -> None:
        # Browsers end a comment at "<!-->", "<!--->" and "--!>"; Python's parser only at "-->".
        if data.startswith((">", "->")) or "--!>" in data:
            self._flag(f"comment that browsers close early: <!--{data[:40]}")
        if self._rcdata:
            self._flag(f"comment inside <{self._rcdata}>")

    def unknown_decl(self, data: str) -> None:
        # Outside SVG and MathML a browser ends "<![CDATA[" at the first '>'; Python's parser at "]]>".
        self._flag(f"marked section <![{data[:40]}")

    def close(self) -> None:
        super().close()
        if self._script is not None:  # an unclosed script still runs
            self._check_script(self._script[0], "".join(self._script[1]))
        if self._style is not None:
            self._check_style("".join(self._style))

    def _check_script(self, src: str, text: str) -> None:
        if text.strip() or not APP_SCRIPT.match(src):
            self._flag(f"<script src={src!r}> with {len(text.strip())} characters inline")

    def _check_style(self, text: str) -> None:
        if dangerous_css(text):
            self._flag(f"<style> with script, bindings or imports: {text[:60]!r}")

    def _check_element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._rcdata:
            self._flag(f"<{tag}> inside <{self._rcdata}>")
        if tag in FORBIDDEN_ELEMENTS:
            self._flag(f"<{tag}> element")
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").strip().lower() in ("refresh", "set-cookie"):
            self._flag(f"<meta http-equiv={values['http-equiv']!r}>")
        if tag == "link" and not values.get("href", "").startswith("/static/"):
            self._flag(f"<link href={values.get('href')!r}> from outside the app's static files")
        for name, value in values.items():
            if name.startswith("on"):
                self._flag(f"<{tag}> event handler {name}={value!r}")
            elif name in URL_ATTRIBUTES and any(dangerous_url(url) for url in _urls(name, value)):
                self._flag(f"<{tag}> {name}={value!r}")
            elif name == "style" and dangerous_css(value):
                self._flag(f"<{tag}> style={value!r}")


def unsafe_html(page: str) -> list[Finding]:
    """Everything in `page` that could run script or load a foreign document."""
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker.findings


def assert_safe_html(page: str, *, where: str = "") -> None:
    """Fail with every finding when `page` holds anything unsafe."""
    findings = unsafe_html(page)
    assert not findings, f"unsafe HTML{' in ' + where if where else ''}:\n" + "\n".join(map(str, findings))


def escaped_forms(text: str) -> set[str]:
    """How plain `text` looks in a page: Jinja's or html.escape's escaping, line breaks kept or as <br>."""
    forms = {str(markupsafe.escape(text)), html.escape(text), html.escape(text, quote=False)}
    return forms | {form.replace("\n", "<br>") for form in forms}


def shown_as_text(page: str, text: str) -> bool:
    """True when `text` appears in `page` escaped, so the reader sees the characters they typed."""
    return any(form in page for form in escaped_forms(text))
