"""HTML input for the stipend pages: types and sizes only.

The rules (who may approve, which status may change to which, what a policy or a result file
must hold) live in `cohort.stipends.services`; these forms turn a POST into clean values and
the services' `DomainError`s are shown next to them. An uploaded file is read here as UTF-8
text of at most 2 MB; what it says is the services' to judge.
"""

from __future__ import annotations

from typing import Final

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cohort.core.schemas import MAX_ID, MAX_IDS
from cohort.stipends.models import REASON_MAX, ExportFormat, PaymentStatus
from cohort.stipends.money import MoneyError, signed_to_minor
from cohort.stipends.presets import PRESET_NAMES

UPLOAD_MAX_BYTES: Final = 2 * 1024 * 1024
DAYS_MAX: Final = 365


def _reason(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required. It is kept in the payment's ledger.",
    )


def read_upload(upload: object) -> str:
    """An uploaded file's text: UTF-8, at most 2 MB, no NUL bytes; else `ValidationError`."""
    if not isinstance(upload, UploadedFile):
        raise forms.ValidationError("Choose a file.")
    if (upload.size or 0) > UPLOAD_MAX_BYTES:
        raise forms.ValidationError("The file is larger than 2 MB.")
    raw: bytes = upload.read(UPLOAD_MAX_BYTES + 1)
    if len(raw) > UPLOAD_MAX_BYTES:
        raise forms.ValidationError("The file is larger than 2 MB.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError("The file is not UTF-8 text.") from None
    if "\x00" in text:
        raise forms.ValidationError("The file is not a text file.")
    return text


class UploadForm(forms.Form):
    """A CSV file: the payer's results, or a stipend policy."""

    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text, at most 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        return read_upload(self.cleaned_data.get("file"))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All"), *PaymentStatus.choices])


class AgeingForm(forms.Form):
    days = forms.IntegerField(
        label="Older than (days)", min_value=1, max_value=DAYS_MAX, required=False
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(label="Format", choices=ExportFormat.choices)


def checked_ids(values: list[str]) -> list[int]:
    """The queue's checked payments as ids (the service checks each, and says why it refuses
    one); `ValidationError` for none, or for a value that is not an id."""
    if not values:
        raise forms.ValidationError("Check at least one pending payment.")
    if len(values) > MAX_IDS:
        raise forms.ValidationError(f"Check at most {MAX_IDS} payments at a time.")
    ids = []
    for value in values:
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            raise forms.ValidationError("A checked payment is not one of the queue's.")
        ids.append(int(value))
    return list(dict.fromkeys(ids))


class CancelForm(forms.Form):
    reason = _reason("Why it is cancelled")


class AdjustForm(forms.Form):
    amount = forms.CharField(
        label="Change",
        max_length=20,
        help_text="In major units, with a minus to lower it: -100.00 or 50.",
    )
    reason = _reason("Why the amount changes")

    def __init__(self, *args: object, currency: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own arguments
        self.currency = currency

    def clean_amount(self) -> int:
        try:
            return signed_to_minor(self.cleaned_data["amount"], self.currency)
        except MoneyError as error:
            raise forms.ValidationError(str(error)) from None


class PresetForm(forms.Form):
    preset = forms.ChoiceField(label="Preset", choices=list(PRESET_NAMES.items()))


class ProjectSizeForm(forms.Form):
    project = forms.IntegerField(label="Project", min_value=1, max_value=MAX_ID)
    column = forms.CharField(label="Size", max_length=30)
