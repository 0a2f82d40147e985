"""The one place that sends e-mail (spec/style.md B8).

Each e-mail is a template folder, `templates/emails/<name>/`, holding `subject.txt` (one
line), `body.txt` and `body.html`. The subject and the text body are plain text: they are
rendered with autoescaping off here, whatever the template says, so "Prometheus & Thanos"
stays "Prometheus & Thanos" (not "&amp;"). The HTML part is autoescaped, so names, titles and
notes that users wrote are shown as text, never as markup (user Markdown is never rendered
into e-mail).
Every context gets `site_url` (settings.SITE_URL without a trailing slash) for links.
Django's EmailMessage adds the Date and Message-ID headers. A context holding
`unsubscribe_url` (the outbox adds it to the mail a person may turn off,
cohort/notifications/services.py) makes the message carry List-Unsubscribe and
List-Unsubscribe-Post (RFC 8058 one-click) and a line with the link in both parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def render_email(name: str, context: dict[str, Any]) -> RenderedEmail:
    """The three parts of e-mail `name`, rendered with `context` (plus `site_url`)."""
    context = {"site_url": site_url(), **context}
    folder = f"emails/{name}"
    return RenderedEmail(
        subject=_subject(name, context),
        text=_plain(f"{folder}/body.txt", context).strip() + "\n",
        html=render_to_string(f"{folder}/body.html", context),
    )


def render_subject(name: str, context: dict[str, Any]) -> str:
    """The subject of e-mail `name` alone, as `render_email` gives it: what the outbox stores
    when it plans an e-mail, without rendering the bodies it sends later."""
    return _subject(name, {"site_url": site_url(), **context})


def _subject(name: str, context: dict[str, Any]) -> str:
    subject = _plain(f"emails/{name}/subject.txt", context)
    return " ".join(subject.split())  # one line: a header cannot hold a newline


def _plain(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping."""
    engine = cast(DjangoTemplates, engines["django"]).engine  # the one TEMPLATES backend
    return engine.get_template(template_name).render(Context(context, autoescape=False))


def send_email(name: str, to: str, context: dict[str, Any]) -> None:
    """Render e-mail `name` and send it to one address as text with an HTML alternative.

    Errors from the mail backend propagate, so the caller can record them and retry.
    """
    rendered = render_email(name, context)
    headers: dict[str, str] = {}
    text = rendered.text
    if unsubscribe := context.get("unsubscribe_url"):
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text += f"\nTo stop getting these e-mails: {unsubscribe}\n"
    message = EmailMultiAlternatives(
        rendered.subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(rendered.html, "text/html")
    message.send()
