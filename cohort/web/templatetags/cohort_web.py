"""Template helpers for the public pages: dates in explicit zones, Markdown, safe links.

Instants are written with their zone every time ("Tue, Jul 30, 2024, 5:00 PM PDT",
"Wed, Jul 31, 2024, 00:00 UTC"). A milestone given as whole days ("Sept 9, 2024") is a
date in the term's calendar and shows as a date in every column, never as 00:00.
"""

from __future__ import annotations

import re
from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from cohort.core.markdown import render_markdown, render_markdown_inline
from cohort.core.time import format_day, format_instant, iso_utc
from cohort.formats.limits import is_web_url
from cohort.formats.model import FLAG_HANDLE_INVALID, FLAG_HANDLE_MISSING
from cohort.projects.models import Mentorship
from cohort.terms.models import Milestone, Term

register = template.Library()

RANGE_SEPARATOR = " – "
NO_DATE = "—"
_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


def _join(parts: list[SafeString]) -> SafeString:
    if not parts:
        return format_html("{}", NO_DATE)
    return format_html_join(RANGE_SEPARATOR, "{}", ((p,) for p in parts))


def _days_html(milestone: Milestone, term: Term) -> SafeString:
    return _join(
        [
            format_html('<time datetime="{}">{}</time>', day.isoformat(), format_day(day))
            for day in milestone.days(term.zone)
        ]
    )


@register.simple_tag
def milestone_in_zone(milestone: Milestone, term: Term) -> SafeString:
    """The milestone's dates in the term's own zone."""
    if not milestone.has_time:
        return _days_html(milestone, term)
    return _join(
        [
            format_html(
                '<time datetime="{}">{}</time>',
                iso_utc(moment),
                format_instant(moment.astimezone(term.zone)),
            )
            for moment in milestone.moments()
        ]
    )


@register.simple_tag
def milestone_in_utc(milestone: Milestone, term: Term) -> SafeString:
    """The milestone's instants in UTC; the `<time>` elements feed the local-time script."""
    if not milestone.has_time:
        return _days_html(milestone, term)
    return _join(
        [
            format_html(
                '<time class="utc-instant" datetime="{}">{}</time>',
                iso_utc(moment),
                format_instant(moment.astimezone(UTC), clock24=True),
            )
            for moment in milestone.moments()
        ]
    )


@register.simple_tag
def term_zone_name(term: Term, milestones: list[Milestone] | None = None) -> str:
    """ "America/Los_Angeles (PDT, PST)": the IANA name and the abbreviations in use.

    The abbreviations are those of the milestones' instants (a Sep-Nov term crosses the
    switch to PST), or of the present moment when the term has no dates.
    """
    moments = [m for ms in milestones or [] for m in ms.moments()] or [timezone.now()]
    abbreviations = list(dict.fromkeys(m.astimezone(term.zone).tzname() or "" for m in moments))
    shown = [a for a in abbreviations if a and a != term.time_zone]
    return f"{term.time_zone} ({', '.join(shown)})" if shown else term.time_zone


@register.filter
def markdown(text: str) -> SafeString:
    """User Markdown → sanitized HTML; the only way user text becomes markup."""
    return render_markdown(text or "")


@register.filter
def markdown_inline(text: str) -> SafeString:
    """One line of Markdown → sanitized inline HTML (no paragraph)."""
    return render_markdown_inline(text or "")


@register.filter
def http_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host, else "". Every `href` of a stored URL goes
    through this (or `url_link`): rows stored before imports checked URLs may hold anything."""
    return url if isinstance(url, str) and is_web_url(url) else ""


@register.filter
def url_link(url: str, text: str | None = None) -> str:
    """A stored URL as `<a href=… rel="nofollow noopener">text</a>` when it is http(s)
    (`http_url`), else its text, escaped: a `javascript:` URL is shown, never linked.
    `text` defaults to the URL itself."""
    label = url if text is None else text
    if not http_url(url):
        return conditional_escape(label or "")
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>', url, label)


@register.filter
def github_profile(mentorship: Mentorship) -> str:
    """The mentor's GitHub profile URL, or "" when the handle is missing or invalid."""
    handle = mentorship.github
    if not handle or {FLAG_HANDLE_INVALID, FLAG_HANDLE_MISSING} & set(mentorship.flags or []):
        return ""
    if not _GITHUB_LOGIN.fullmatch(handle):
        return ""
    return f"https://github.com/{handle}"
