"""Authored text to safe HTML: CommonMark rendering (raw HTML off) and an nh3 allow-list."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt

from .model import Question

__all__ = [
    "ALLOWED_TAGS", "ALLOWED_ATTRIBUTES", "FILE_NAME", "MEDIA_PATH", "media_refs", "render_markdown", "render_stem",
    "render_page", "resolve_media", "sanitize_html", "sniff_image",
]

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "title", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Raster images only: an SVG data URL can carry script when opened on its own.
_DATA_IMAGES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        if tag == "img" and attribute == "src" and value.strip().lower().startswith(_DATA_IMAGES):
            return value
        return None
    return value


def sanitize_html(html: str) -> str:
    """Keep only allow-listed tags and attributes; no script, style, on* or javascript: URLs."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """CommonMark (plus tables) with raw HTML disabled, then sanitised."""
    return sanitize_html(_markdown().render(text))


_HEADING = re.compile(r"<(/?)h([1-6])\b")
PAGE_TOP_HEADING = 3  # the page's title is the <h2> under the module's <h1>


def render_page(body: str) -> str:
    """A content page's Markdown as safe HTML, its headings under the page's title: the body's top
    heading level (``#`` or ``##``, whichever it uses first in rank) becomes <h3>, since the title is
    the <h2> above them, and the levels below it keep their steps (at most <h6>)."""
    html = render_markdown(body)
    levels = [int(m.group(2)) for m in _HEADING.finditer(html)]
    if not levels:
        return html
    shift = PAGE_TOP_HEADING - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + shift, PAGE_TOP_HEADING), 6)}", html)


def render_stem(question: Question | dict, media_base: str | None = None) -> str:
    """The question's stem as safe HTML, whichever `stem_format` it was written in; with
    `media_base`, its ``media/...`` images point there (see resolve_media)."""
    data = question.data if isinstance(question, Question) else question
    if data.get("stem_format", "markdown") == "html":
        html = sanitize_html(data["stem"])
    else:
        html = render_markdown(data["stem"])
    return html if media_base is None else resolve_media(html, media_base)


# --------------------------------------------------------------------------- media

# A question's image, by the relative path question text uses for it: ``media/<name>``. A SCORM
# package carries the file at that path, next to the player, so the reference works as written.
FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}"
MEDIA_PATH = re.compile(r"media/" + FILE_NAME)
_MEDIA_REF = re.compile(r"(?<![\w/.-])(" + MEDIA_PATH.pattern + r")")
_MEDIA_ATTR = re.compile(r'((?:src|href)=")(media/)')


def media_refs(value: Any) -> set[str]:
    """Every ``media/<name>`` path that question JSON (or any JSON value) refers to."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return {m.rstrip(".") for m in _MEDIA_REF.findall(text)}


def resolve_media(html: str, base: str) -> str:
    """Sanitised HTML with its relative ``media/...`` src and href attributes under ``base``
    (e.g. "/questions/media/" gives "/questions/media/apple.png")."""
    return _MEDIA_ATTR.sub(lambda m: m.group(1) + base, html)


_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image(data: bytes) -> str | None:
    """The type of a PNG, JPEG, GIF or WebP image by its content, else None.

    Raster only, whatever a file's name or declared type says: an SVG can carry script.
    """
    for signature, content_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
