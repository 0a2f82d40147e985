"""A person's e-mail settings, and the one-click unsubscribe of RFC 8058."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cohort.core.actors import signed_in
from cohort.notifications.kinds import all_kinds, mail_kind
from cohort.notifications.models import EmailPreference
from cohort.notifications.services import read_unsubscribe_token, set_email_preference


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    """A checkbox per optional kind of e-mail; the essential kinds listed with why."""
    user = signed_in(request)
    kinds = all_kinds()
    off = set(
        EmailPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True)
    )
    if request.method == "POST":
        wanted = set(request.POST.getlist("kind"))
        for kind in kinds:
            if not kind.essential and (kind.name in wanted) == (kind.name in off):
                set_email_preference(user, kind.name, kind.name in wanted, actor=user)
        messages.success(request, "Your e-mail settings are saved.")
        return redirect("notifications:settings")
    context = {
        "optional": [(kind, kind.name not in off) for kind in kinds if not kind.essential],
        "essential": [kind for kind in kinds if kind.essential],
    }
    return render(request, "notifications/settings.html", context)


@csrf_exempt  # RFC 8058: the mail client POSTs without a session; the signed token is the key
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button; POST (the button, or a one-click mail client): turn off."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user, name = found
    kind = mail_kind(name)
    done = request.method == "POST"
    if done:
        set_email_preference(user, name, False, actor=user, note="one-click unsubscribe")
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done})
