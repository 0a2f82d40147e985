"""HTML input for the mentors' and admins' review pages: types and sizes only.

The rules (a score of 1–5, a recused mentor decides nothing, a declined application stays
declined, a ranking names every shortlisted applicant once) live in
`cohort.applications.services`; these forms only turn the POST into clean values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from cohort.applications import limits

SCORE_CHOICES = [("", "No score"), *((str(n), str(n)) for n in range(1, 6))]


class ReviewForm(forms.Form):
    """The reader's own score (or none, which clears it) and private notes."""

    score = forms.TypedChoiceField(
        label="Your score",
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="1 is weakest, 5 strongest. The other mentors of the project see your score.",
    )
    notes = forms.CharField(
        label="Your private notes",
        required=False,
        max_length=limits.NOTES,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only you and the program admins see these notes.",
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label="Why you have a conflict of interest",
        max_length=limits.CONFLICT_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "For example a family member, a close friend or your own student. Only program "
            "admins see the reason. You will no longer score, rank or decide on this applicant."
        ),
    )


class ShortlistForm(forms.Form):
    ADD, REMOVE = "add", "remove"
    action = forms.ChoiceField(choices=[(ADD, "Shortlist"), (REMOVE, "Take off the shortlist")])


class DeclineForm(forms.Form):
    message = forms.CharField(
        label="Message to the applicant",
        max_length=limits.DECLINE_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The applicant sees it in their application's history.",
    )


class BulkDeclineForm(forms.Form):
    """Decline the ticked applications of one queue with one message."""

    applications = forms.TypedMultipleChoiceField(
        label="Applications to decline",
        coerce=int,
        choices=[],
        error_messages={"required": "Tick at least one application to decline."},
    )
    message = forms.CharField(
        label="Message to the declined applicants",
        max_length=limits.DECLINE_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each applicant sees it in their application's history.",
    )

    def __init__(self, *args: Any, choices: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["applications"])
        field.choices = [(str(pk), str(pk)) for pk in choices]
        field.error_messages["invalid_choice"] = (
            "One of the ticked applications is no longer in this project's queue. Reload the page."
        )


class RankingForm(forms.Form):
    """One rank per shortlisted application, in the order the page showed them (`ids`).

    The order comes from the numbers; each number is used once. The service then checks that
    the ranking names exactly the current shortlist.
    """

    nothing_to_rank = "There is no one to rank. Reload the page."
    same_rank_twice = "Give each applicant a different rank (1 is the best)."

    ids = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, applications: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        if not self.is_bound:
            self.initial["ids"] = " ".join(str(pk) for pk in self.applications)
        posted = self._posted_ids()
        for position, pk in enumerate(posted if posted is not None else self.applications, 1):
            self.fields[f"rank-{pk}"] = forms.IntegerField(
                label="Rank",
                min_value=1,
                initial=position,
                widget=forms.NumberInput(attrs={"class": "rank-input", "size": 3}),
            )

    def _posted_ids(self) -> list[int] | None:
        if not self.is_bound:
            return None
        raw = str(self.data.get(self.add_prefix("ids"), ""))
        try:
            return [int(part) for part in raw.split()]
        except ValueError:
            return []

    def rank_field(self, pk: int) -> forms.BoundField | None:
        name = f"rank-{pk}"
        return self[name] if name in self.fields else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ids = self._posted_ids() or []
        if not ids:
            raise forms.ValidationError(self.nothing_to_rank)
        ranks = [cleaned.get(f"rank-{pk}") for pk in ids]
        if any(rank is None for rank in ranks):
            return cleaned
        if len(set(ranks)) != len(ranks):
            raise forms.ValidationError(self.same_rank_twice)
        cleaned["ordered"] = [pk for _, pk in sorted(zip(ranks, ids, strict=True))]
        return cleaned
