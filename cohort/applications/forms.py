"""HTML input for the mentee's pages: types and sizes only.

The rules (eligibility, the window, the per-term limit, what each task takes, PDF type and
size) are the services' (`cohort.applications.services`); their `DomainError`s are shown as
the form's errors. What is checked here is the shape of each field, so the user hears about
a typo before anything is saved.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from cohort.applications import eligibility, limits
from cohort.applications.models import MenteeProfile, country_choices
from cohort.applications.prerequisites import MAX_TEXT
from cohort.applications.services import ProfileData
from cohort.terms.models import validate_time_zone

YES, NO = "yes", "no"
ANSWER_CHOICES = ((YES, "Yes"), (NO, "No"))
_GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_LINKS = 10


def _answer(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


def _boolean(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class ProfileForm(forms.Form):
    """The mentee profile: the four attestations first, then who the mentee is, then the
    résumé. The attestation fields are named after `eligibility.FIELDS` and added below."""

    name = forms.CharField(label="Full name", max_length=limits.NAME)
    github = forms.CharField(
        label="GitHub handle",
        required=False,
        max_length=limits.GITHUB + 1,  # a leading "@" is dropped
        help_text="Without the @, e.g. octocat.",
    )
    links = forms.CharField(
        label="Links",
        required=False,
        max_length=limits.LINKS,
        help_text=f"One web address per line (portfolio, LinkedIn, blog); at most {MAX_LINKS}.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skills = forms.CharField(
        label="Skills",
        required=False,
        max_length=limits.SKILLS,
        help_text="Languages, tools and areas you know, comma-separated.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    country = forms.ChoiceField(
        label="Country of residence",
        choices=[("", "Choose a country"), *country_choices()],
        help_text="Where you will take part in the mentorship.",
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=limits.TIME_ZONE,
        validators=[validate_time_zone],
        help_text="An IANA name such as Europe/Berlin, Asia/Kolkata or America/Sao_Paulo.",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    resume = forms.FileField(
        label="Résumé (PDF, 5 MB at most)",
        required=False,
        help_text="Uploading a new file replaces the current one for future applications.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attestation_fields = {
            a.field: forms.ChoiceField(
                label=a.statement,
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            for a in eligibility.ATTESTATIONS
        }
        # The attestations come first on the page and in the form's order.
        self.fields = {**attestation_fields, **self.fields}

    @classmethod
    def initial_from(cls, profile: MenteeProfile | None) -> dict[str, Any]:
        if profile is None:
            return {}
        return {
            "name": profile.name,
            "github": profile.github,
            "links": profile.links,
            "skills": profile.skills,
            "country": profile.country,
            "time_zone": profile.time_zone,
            **{field: _answer(value) for field, value in profile.attestations.items()},
        }

    @property
    def attestation_fields(self) -> list[forms.BoundField]:
        return [self[field] for field in eligibility.FIELDS]

    def clean_github(self) -> str:
        handle = str(self.cleaned_data["github"]).strip().removeprefix("@")
        if handle and not _GITHUB_LOGIN.match(handle):
            raise ValidationError(
                "A GitHub handle has letters, digits and single hyphens, at most 39 characters."
            )
        return handle

    def clean_links(self) -> str:
        lines = [line.strip() for line in str(self.cleaned_data["links"]).splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(f"Give at most {MAX_LINKS} links.")
        check = URLValidator(schemes=["https", "http"])
        for link in links:
            try:
                check(link)
            except ValidationError as error:
                raise ValidationError(
                    f"“{link}” is not a web address; each line needs one such as "
                    "https://example.org."
                ) from error
        return "\n".join(links)

    def clean_time_zone(self) -> str:
        return str(self.cleaned_data["time_zone"]).strip()

    def profile_data(self) -> ProfileData:
        data = self.cleaned_data
        return ProfileData(
            name=data["name"],
            country=data["country"],
            time_zone=data["time_zone"],
            github=data["github"],
            links=data["links"],
            skills=data["skills"],
            **{field: _boolean(data[field]) for field in eligibility.FIELDS},
        )


class TaskForm(forms.Form):
    """One task's answer. Which of the inputs the task takes is the service's rule; the page
    shows only the inputs that fit the task."""

    text = forms.CharField(
        label="Your answer",
        required=False,
        max_length=MAX_TEXT * 2,  # the service gives the exact limit and the length
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    url = forms.CharField(
        label="Link",
        required=False,
        max_length=limits.TASK_URL,
        help_text="A web address (https://…): a pull request, a repository, a gist.",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    file = forms.FileField(
        label="PDF file (5 MB at most)",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    use_profile_resume = forms.BooleanField(required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=limits.WITHDRAW_REASON,
        help_text="It is kept in the application's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
