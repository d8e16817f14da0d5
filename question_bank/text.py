"""Authored text to safe HTML: CommonMark rendering (raw HTML off) and an nh3 allow-list."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

from .model import Question

__all__ = ["ALLOWED_TAGS", "ALLOWED_ATTRIBUTES", "render_markdown", "render_stem", "sanitize_html"]

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


def render_stem(question: Question | dict) -> str:
    """The question's stem as safe HTML, whichever `stem_format` it was written in."""
    data = question.data if isinstance(question, Question) else question
    if data.get("stem_format", "markdown") == "html":
        return sanitize_html(data["stem"])
    return render_markdown(data["stem"])
