"""The program admin's GitHub settings form; `services.connect` holds the rules."""

from __future__ import annotations

from django import forms

from cohort.github.models import DEFAULT_TOKEN_VARIABLE


class ConnectionForm(forms.Form):
    repository = forms.CharField(
        label="Repository",
        max_length=140,
        help_text="OWNER/NAME of the repository whose issues are proposals, e.g. cncf/mentoring.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label="Webhook secret",
        required=False,
        strip=False,  # stored as given: GitHub signs with every character of it
        max_length=255,
        help_text=(
            "The secret you give GitHub's webhook, at least 16 characters. It is stored as "
            "given and never shown again; leave it empty to keep the one saved."
        ),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    token_variable = forms.CharField(
        label="Token variable",
        max_length=100,
        initial=DEFAULT_TOKEN_VARIABLE,
        help_text=(
            "The environment variable of Cohort's server that holds the GitHub token "
            "(Issues: read and write). The token is never stored."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
