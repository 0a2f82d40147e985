"""Forms of cohort.retention's pages: the program's retention period, and the confirmation
that deletes an account."""

from __future__ import annotations

from typing import Any

from django import forms

from cohort.terms.models import RETENTION_MAX_MONTHS


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label="Months to keep personal data after a term closes",
        min_value=1,
        max_value=RETENTION_MAX_MONTHS,
    )


class DeleteAccountForm(forms.Form):
    username = forms.CharField(label="Type your username to confirm", max_length=150, strip=True)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"]
        if value != self.expected:
            raise forms.ValidationError("That is not your username.")
        return value
