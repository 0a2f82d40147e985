"""HTML input for the mentorship pages: types and sizes only.

The rules (who may evaluate, when a round is open, what a final feedback needs, how far a
placement may be extended) live in `cohort.mentorship.services`; these forms turn a POST into
clean values and the services' `DomainError`s are shown next to them. The one rule read here
is the clock's: a date and time typed in the term's zone must name one instant (a time the
clocks skip or repeat at a daylight-saving change is refused, with the zone named).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from cohort.core.time import exact_local
from cohort.mentorship.models import (
    COMMENT_MAX,
    MAX_EXTENDED_WEEKS,
    MAX_HOURS,
    MAX_WORK_LINKS,
    REASON_MAX,
    Communication,
    Progress,
    Rating,
)

RESULT_CHOICES = [("pass", "Pass"), ("fail", "Fail")]


def _reason(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text or "Required. It is kept in the placement's history.",
    )


class EvaluationForm(forms.Form):
    """A mentor's evaluation of one round. `edits` is the evaluation the mentor saw when the
    form was drawn (empty for a new one), so a co-mentor's submission in between is a 409
    rather than an overwrite."""

    passed = forms.TypedChoiceField(
        label="The result",
        choices=RESULT_CHOICES,
        coerce=lambda value: value == "pass",
        widget=forms.RadioSelect,
    )
    progress = forms.ChoiceField(
        label="Progress against the plan",
        required=False,
        choices=[("", "Choose one"), *Progress.choices],
    )
    communication = forms.ChoiceField(
        label="Communication",
        required=False,
        choices=[("", "Choose one"), *Communication.choices],
    )
    hours_per_week = forms.IntegerField(
        label="Hours per week (about)",
        required=False,
        min_value=0,
        max_value=MAX_HOURS,
        help_text=f"From 0 to {MAX_HOURS}.",
    )
    comments_for_mentee = forms.CharField(
        label="Comments for the mentee",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The mentee reads these with the result.",
    )
    private_comments = forms.CharField(
        label="Private comments for the program admins",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Never shown to the mentee; the project's mentors and the program admins "
        "read them.",
    )
    edits = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FeedbackForm(forms.Form):
    """The mentee's feedback on one round; the final round's also asks for the blog post and
    the work done (one link a line)."""

    mentor_rating = forms.TypedChoiceField(
        label="Your mentors", choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    mentor_comments = forms.CharField(
        label="About your mentors",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    program_rating = forms.TypedChoiceField(
        label="The program", choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    program_comments = forms.CharField(
        label="About the program",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    blog_url = forms.CharField(
        label="Your blog post (address)",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        help_text="Required for the final round: https://…",
    )
    work_links = forms.CharField(
        label="Links to your work",
        required=False,
        max_length=MAX_WORK_LINKS * 600,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"One address a line: your pull requests and issues (at most "
        f"{MAX_WORK_LINKS}). Required for the final round.",
    )

    def __init__(self, *args: Any, final: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not final:
            del self.fields["blog_url"]
            del self.fields["work_links"]

    def links(self) -> list[str]:
        text = self.cleaned_data.get("work_links") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ExtendForm(forms.Form):
    weeks = forms.IntegerField(
        label="Extend by (weeks)",
        min_value=1,
        max_value=MAX_EXTENDED_WEEKS,
        help_text="The placement's end and its rounds not yet due move later; nobody else's "
        "dates move.",
    )
    reason = _reason("Why it is extended")


class HoldForm(forms.Form):
    reason = _reason(
        "Why it is put on hold",
        help_text="Required. When it resumes, its dates ahead move by the pause, in whole days.",
    )


class ResumeForm(forms.Form):
    note = _reason("A note on resuming", required=False, help_text="Optional.")


class WithdrawForm(forms.Form):
    reason = _reason("Why the placement is withdrawn", help_text="Required. This cannot be undone.")


class DecideForm(forms.Form):
    """A program admin decides a round's result over (or in place of) the mentors'."""

    passed = forms.TypedChoiceField(
        label="Result",
        choices=RESULT_CHOICES,
        coerce=lambda value: value == "pass",
        widget=forms.RadioSelect,
    )
    reason = _reason("Why an admin decides it")


class ReopenForm(forms.Form):
    """Reopen a round for the mentors until a date and time in the term's zone."""

    day = forms.DateField(label="Until (day)", widget=forms.DateInput(attrs={"type": "date"}))
    clock = forms.TimeField(label="Until (time)", widget=forms.TimeInput(attrs={"type": "time"}))
    reason = _reason("Why it is reopened")

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(zone)
        self.fields["clock"].help_text = f"In the term's zone, {zone}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, clock = data.get("day"), data.get("clock")
        if day is not None and clock is not None:
            try:
                data["until"] = exact_local(day, clock, self.zone)
            except ValueError as error:
                self.add_error("clock", str(error))
        return data
