"""The console's set-up forms. They read what a person types (dates, times, "key: N" lines);
every rule is the service's (`cohort.terms.services`)."""

from __future__ import annotations

from typing import Any

from django import forms

from cohort.formats.issueform import PREREQUISITE_OPTIONS
from cohort.terms import calendar
from cohort.terms.models import Program
from cohort.terms.services import APPLICATIONS_CAP_MAX, LABEL_MAX, QUOTA_MAX


class NewTermForm(forms.Form):
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2999)
    number = forms.TypedChoiceField(label="Term", coerce=int, choices=[])
    time_zone = forms.CharField(
        label="Time zone",
        required=False,
        max_length=64,
        help_text="An IANA name such as America/Los_Angeles or UTC. Empty: the zone of the "
        "program's latest term.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = self.fields["number"]
        if isinstance(number, forms.ChoiceField):
            number.choices = [
                (s.number, f"Term {s.number} ({s.months})")
                for s in calendar.slots(calendar.Calendar(program.calendar))
            ]


class MilestoneForm(forms.Form):
    """One row of the timeline, in the term's zone. A row left wholly empty is skipped."""

    key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    label = forms.CharField(label="Activity", required=False, max_length=LABEL_MAX)
    start = forms.DateField(
        label="From (day)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label="From (time)", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end = forms.DateField(
        label="Until (day)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_time = forms.TimeField(
        label="Closes at", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(f) for f in ("label", "start", "start_time", "end", "end_time"))


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, extra=2, can_delete=True, max_num=30, absolute_max=30, validate_max=True
)


class SettingsForm(forms.Form):
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="An IANA name. Deadlines keep their exact instants; whole-day dates keep "
        "their days in the new zone.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    proposal_quota = forms.IntegerField(
        label="Proposals per organization",
        min_value=1,
        max_value=QUOTA_MAX,
        help_text="The guideline: a proposal over it is flagged “Over quota”, not refused.",
    )
    quota_overrides = forms.CharField(
        label="Organizations with their own guideline",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, “organization-key: number”, as quotas.yml writes them, "
        "for example “kubernetes: 8”.",
    )
    max_applications = forms.IntegerField(
        label="Applications per mentee",
        required=False,
        min_value=1,
        max_value=APPLICATIONS_CAP_MAX,
        help_text="How many applications a mentee may have open in this term at once. "
        "Empty: the program's cap.",
    )
    default_prerequisites = forms.MultipleChoiceField(
        label="Prerequisites a new proposal starts with",
        required=False,
        choices=[(p, p) for p in PREREQUISITE_OPTIONS],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_quota_overrides(self) -> dict[str, int]:
        text: str = self.cleaned_data.get("quota_overrides") or ""
        overrides: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            key, colon, value = line.partition(":")
            if not colon or not value.strip().isdigit():
                raise forms.ValidationError(
                    f"Line {number}: write “organization-key: number”, such as “kubernetes: 8”."
                )
            overrides[key.strip()] = int(value.strip())
        return overrides
