"""The ONLY path from user-written text to HTML: Markdown, then an nh3 allowlist.

Term pages and proposals are written by many people; their Markdown may carry raw HTML,
`javascript:` links or event handlers. markdown-it-py renders (raw HTML allowed, since
real pages use `<br/>`), and nh3 then keeps only the tags, attributes and URL schemes
listed here, so what reaches a template is safe to mark as such.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
HEADING_SHIFT = 2

_renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> SafeString:
    """Render `text` as Markdown and sanitize the result; "" stays ""."""
    if not text.strip():
        return mark_safe("")  # a constant empty string
    env: dict[str, object] = {}
    tokens = _renderer.parse(text, env)
    for token in tokens:  # "# Title" becomes h3: the page already has its h1 and h2
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return _clean(_renderer.renderer.render(tokens, _renderer.options, env))


def render_markdown_inline(text: str) -> SafeString:
    """One line of Markdown (`**bold**`, `` `code` ``, links) without a paragraph, sanitized.

    For messages that carry Markdown, such as the CNCF validation texts.
    """
    return _clean(_renderer.renderInline(text)) if text.strip() else mark_safe("")


def _clean(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308  # nh3 has just reduced it to the allowlist
