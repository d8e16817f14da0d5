"""Authored Markdown and HTML come out safe: no script, no handlers, no javascript: URLs."""

from html.parser import HTMLParser

import pytest

from question_bank.text import render_markdown, render_stem, sanitize_html
from tests.qbank.builders import make

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x OnError='alert(1)'>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<iframe src="https://x.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">p</p>',
    "<object data=x.swf></object><embed src=x.swf>",
    '<form action="javascript:alert(1)"><input onfocus=alert(1) autofocus></form>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<!-- <script>alert(1)</script> -->",
]


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, entities decoded, as a browser sees it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def assert_safe(html: str) -> None:
    """No active element, no event handler, no style, no script-capable URL."""
    for tag, attrs in _Elements(html).found:
        assert tag not in {"script", "style", "iframe", "object", "embed", "form", "input", "svg",
                           "math", "body", "link", "meta", "base"}, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (name, html)
            url = "".join(value.split()).lower()
            assert not url.startswith(("javascript:", "vbscript:")), (value, html)
            if url.startswith("data:"):
                assert tag == "img" and url.startswith("data:image/png"), (value, html)


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_defused(html):
    clean = sanitize_html(html)
    assert_safe(clean)
    assert "<script" not in clean.lower() and "alert(1)</script>" not in clean


@pytest.mark.parametrize("text", HOSTILE + [
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='javascript:alert(1)'>raw</a>",
])
def test_markdown_never_lets_markup_through(text):
    html = render_markdown(text)
    assert_safe(html)
    assert "<script" not in html.lower()


def test_the_checker_itself_catches_unsafe_markup():
    for unsafe in ['<a href="java&#x73;cript:x">', "<img src=x onerror=y>", "<script></script>",
                   '<a href="data:text/html,x">', '<p style="x">']:
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


def test_safe_markup_survives():
    html = sanitize_html('<p title="t">Hi <strong>there</strong> <a href="https://nhs.uk">NHS</a>'
                         '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot"></p>')
    assert html == ('<p title="t">Hi <strong>there</strong> <a href="https://nhs.uk" '
                    'rel="noopener noreferrer">NHS</a><img src="data:image/png;base64,iVBORw0KGgo=" '
                    'alt="dot"></p>')


def test_markdown_renders_commonmark_and_tables_with_raw_html_escaped():
    assert render_markdown("# Title\n\n*care* <b>plan</b>") == (
        "<h1>Title</h1>\n<p><em>care</em> &lt;b&gt;plan&lt;/b&gt;</p>\n")
    assert "<table>" in render_markdown("|a|b|\n|-|-|\n|1|2|")


def test_render_stem_by_format():
    assert render_stem(make("essay", stem="**Why?**")) == "<p><strong>Why?</strong></p>\n"
    assert render_stem(make("essay", stem="<p onclick=x()>Why?</p>", stem_format="html")) == "<p>Why?</p>"
    assert render_stem(make("short_answer")) == "<p>Fill {{g1}}.</p>\n"


def test_a_page_s_headings_sit_under_its_title():
    from question_bank.text import render_page

    # The title is the <h2>: the body's top level becomes <h3>, whether it is written # or ##.
    assert render_page("# One\n\n## Two\n\n###### Six\n\nText") == (
        "<h3>One</h3>\n<h4>Two</h4>\n<h6>Six</h6>\n<p>Text</p>\n")
    assert render_page("## One\n\n### Two") == "<h3>One</h3>\n<h4>Two</h4>\n"
    assert render_page("#### Deep\n\n## Top") == "<h5>Deep</h5>\n<h3>Top</h3>\n"
    assert render_page("No heading") == "<p>No heading</p>\n"
