"""The mentee profile's countries come from django-countries (ISO 3166-1 alpha-2), which the
stipend policy will key on: every code once, the short English names, nothing else taken."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from cohort.applications.models import MenteeProfile, country_choices


def test_every_iso_3166_code_once_with_its_english_name() -> None:
    choices = country_choices()
    codes = [code for code, _ in choices]
    assert len(codes) == len(set(codes)) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    names = dict(choices)
    assert (names["DE"], names["IN"], names["BR"], names["NG"]) == (
        "Germany",
        "India",
        "Brazil",
        "Nigeria",
    )


@pytest.mark.django_db
def test_a_profile_takes_only_a_listed_code() -> None:
    field = MenteeProfile._meta.get_field("country")
    field.clean("KE", None)
    for bad in ("XX", "de", "DEU", ""):
        with pytest.raises(ValidationError):
            field.clean(bad, None)
