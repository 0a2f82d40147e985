"""HTML input for the selection pages: types and sizes only.

The rules (who may rank what, which pair can be forced, what changes after confirmation,
who may answer an offer and until when) live in `cohort.selection.services`; these forms
turn a POST into clean values and the services' `DomainError`s are shown next to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cohort.applications.review_forms import RankingForm
from cohort.projects.models import MAX_SLOTS
from cohort.selection.models import REASON_MAX, Override


class SlotsForm(forms.Form):
    slots = forms.IntegerField(
        label="Mentees this project takes",
        min_value=0,
        max_value=MAX_SLOTS,
        widget=forms.NumberInput(attrs={"size": 3}),
        help_text=f"From 0 to {MAX_SLOTS}. Selection offers at most this many places.",
    )


class MyRankingForm(RankingForm):
    """The mentee's order of their complete applications in one term: one number each, in
    the order the page showed them (`ids`), each number used once (1 is the one they want
    most). The service then checks that the ranking names exactly their complete
    applications."""

    nothing_to_rank = "There is nothing to rank. Reload the page."
    same_rank_twice = "Give each application a different rank (1 is the project you want most)."


class OverrideForm(forms.Form):
    """Force or forbid one pair (an application in the term's selection) in a draft round."""

    application = forms.TypedChoiceField(label="Mentee and project", coerce=int, choices=[])
    kind = forms.ChoiceField(
        label="Override", choices=Override.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required. It is kept with the round and in the audit log.",
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["application"])
        field.choices = [("", "Choose a mentee and project"), *choices]
        field.error_messages["invalid_choice"] = (
            "That application is no longer in this term's selection. Reload the page."
        )


class ConfirmForm(forms.Form):
    response_days = forms.IntegerField(
        label="Days a mentee has to answer",
        min_value=1,
        max_value=60,
        initial=7,
        widget=forms.NumberInput(attrs={"size": 3}),
        help_text="Counted from when the mentees are told. From 1 to 60 days.",
    )


class DeclineOfferForm(forms.Form):
    reason = forms.CharField(
        label="Why you decline (optional)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="It is kept in your application's history.",
    )
    confirm = forms.BooleanField(
        label="I understand that declining means I will not be placed in this term",
        error_messages={"required": "Tick the box to confirm that you decline."},
    )
