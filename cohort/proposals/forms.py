"""HTML input for the proposal pages: types and sizes only.

The CNCF rules (a 3000-character description, a 20-character custom prerequisite name, the
mentor line format, URL shapes...) are NOT checked here: a proposal may be saved while it
breaks them, and the page shows the validator's exact messages (`services.review`). The
text fields are held to Cohort's own size limits, one per section
(`cohort.formats.issueform.MAX_LENGTHS`), counted as the service counts them, so the page, the
API and an imported issue body refuse the same thing. Those are hard caps that keep rows sane,
not the LFX limits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from cohort.formats import issueform
from cohort.formats.issueform import (
    CUSTOM_OPTION,
    FILE_UPLOAD_OPTION,
    PREREQUISITE_OPTIONS,
    SKILLS_SAME_OPTION,
    IssueForm,
    js_trim,
    length_problem,
    parse_issue_form,
    utf16_len,
)
from cohort.projects.models import Organization
from cohort.proposals.rules import CUSTOM_DESCRIPTION_MAX, CUSTOM_NAME_MAX, DESCRIPTION_MAX
from cohort.terms.models import Term

ISSUE_BODY_MAX_BYTES = 100 * 1024


def _counted(max_chars: int, output: str) -> dict[str, str]:
    """The attributes `static/js/proposal_form.js` reads to count what is left."""
    return {"data-count-max": str(max_chars), "data-count-output": output}


class SectionField(forms.CharField):
    """Text for one issue-form section, no longer than `issueform.MAX_LENGTHS` allows it.

    The length is counted as the service counts it (CRLF as one line break, trimmed), so a
    browser's CRLF line ends do not make the page stricter than the API.
    """

    def __init__(self, *, section: str, **kwargs: Any) -> None:
        self.section = section
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(issueform.max_length(self.section))
        return attrs

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = length_problem(self.section, str(value))
        if problem:
            raise forms.ValidationError(problem, code="max_length")


class ProposalForm(forms.Form):
    """Every field of the CNCF issue form (cncf-process.md §1) but the term, which is fixed."""

    project = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label="Choose a project",
        label="CNCF Project",
        widget=forms.Select(attrs={"data-role": "project"}),
    )
    program_name = SectionField(
        section=issueform.LABEL_PROGRAM_NAME,
        label="Program Name",
        required=False,
        help_text=(
            "The descriptive part only. The full LFX name is "
            "“CNCF - <Project>: <Program Name> (<Term>)” and must be at most 100 characters."
        ),
        widget=forms.TextInput(
            attrs={
                "data-role": "program-name",
                "placeholder": "e.g. Add Prometheus Metrics to Control Plane Service",
            }
        ),
    )
    description = SectionField(
        section=issueform.LABEL_DESCRIPTION,
        label="Program Description",
        required=False,
        help_text=(
            f"Up to {DESCRIPTION_MAX} characters. This is what applicants will see on LFX. "
            "Markdown; suggested sections: “## Description” and “## Expected outcomes”."
        ),
        widget=forms.Textarea(attrs={"rows": 12, **_counted(DESCRIPTION_MAX, "description-left")}),
    )
    technologies = SectionField(
        section=issueform.LABEL_TECHNOLOGIES,
        label="Technologies",
        required=False,
        help_text="Comma-separated languages, frameworks and platforms, e.g. "
        "“Go, Kubernetes, Prometheus, gRPC”.",
    )
    skills_same = forms.BooleanField(
        label=SKILLS_SAME_OPTION, required=False, help_text="Skills same as Technologies?"
    )
    skills = SectionField(
        section=issueform.LABEL_SKILLS,
        label="Required/Desirable Skills",
        required=False,
        help_text="Comma-separated. Fill it in only if the skills differ from the "
        "technologies (and leave the box above unchecked).",
    )
    mentors = SectionField(
        section=issueform.LABEL_MENTORS,
        label="Mentors",
        required=False,
        help_text=(
            "One mentor per line: “Full Name | @github-handle | email | LFID”. The first line "
            "is the primary mentor, the others are co-mentors. The email must be the one tied "
            "to the mentor's LFID (LF Username, shown on openprofile.dev). You can save "
            "without LFIDs, but the proposal cannot pass validation until every mentor has one."
        ),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "Jane Doe | @janedoe | jane@example.org | janedoe"}
        ),
    )
    upstream_issue_url = SectionField(
        section=issueform.LABEL_UPSTREAM,
        label="Upstream Issue URL",
        required=False,
        help_text="Exactly one URL: a tracking issue in the project's own repository. For "
        "several issues, link an umbrella issue.",
        widget=forms.URLInput,
    )
    prerequisites = forms.MultipleChoiceField(
        label="Application Prerequisites",
        required=False,
        choices=[(option, option) for option in PREREQUISITE_OPTIONS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Every checked item is required of applicants (LFX's standard toggles).",
    )
    coding_challenge_url = SectionField(
        section=issueform.LABEL_CODING_CHALLENGE_URL,
        label="Coding Challenge URL",
        required=False,
        help_text="Required when “Coding Challenge” is checked; blank otherwise.",
        widget=forms.URLInput,
    )
    custom_checked = forms.BooleanField(
        label=CUSTOM_OPTION, required=False, help_text="Custom Prerequisites"
    )
    custom_name = SectionField(
        section=issueform.LABEL_CUSTOM_NAME,
        label="Custom Prerequisite Name",
        required=False,
        help_text=f"At most {CUSTOM_NAME_MAX} characters on LFX.",
        widget=forms.TextInput(attrs=_counted(CUSTOM_NAME_MAX, "custom-name-left")),
    )
    custom_description = SectionField(
        section=issueform.LABEL_CUSTOM_DESCRIPTION,
        label="Custom Prerequisite Description",
        required=False,
        help_text=f"At most {CUSTOM_DESCRIPTION_MAX} characters on LFX.",
        widget=forms.Textarea(
            attrs={"rows": 4, **_counted(CUSTOM_DESCRIPTION_MAX, "custom-description-left")}
        ),
    )
    custom_file_upload = forms.BooleanField(
        label=FILE_UPLOAD_OPTION,
        required=False,
        help_text="Custom Prerequisite \u2014 File Upload",
    )

    def __init__(self, *args: Any, term: Term, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new proposal starts with the term's default prerequisites (its settings).
        self.initial.setdefault("prerequisites", list(term.default_prerequisites))
        field = self.fields["project"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = Organization.objects.filter(program=term.program)

    @classmethod
    def initial_from(cls, form: IssueForm, organization: Organization) -> dict[str, Any]:
        """The fields' initial values for a saved proposal body."""
        return {
            "project": organization.pk,
            "program_name": form.program_name,
            "description": form.description,
            "technologies": form.technologies,
            "skills_same": form.skills_same,
            "skills": form.skills,
            "mentors": form.mentors,
            "upstream_issue_url": form.upstream_issue_url,
            "prerequisites": [o for o in PREREQUISITE_OPTIONS if o in form.prerequisites],
            "coding_challenge_url": form.coding_challenge_url,
            "custom_checked": form.custom_checked,
            "custom_name": form.custom_name,
            "custom_description": form.custom_description,
            "custom_file_upload": form.custom_file_upload,
        }

    def issue_form(self, *, term_label: str, keep: IssueForm | None = None) -> IssueForm:
        """The body the services take. `keep`: the saved body, whose checked prerequisites
        from older templates (not among the five options) are carried over unchanged."""
        data = self.cleaned_data
        extra = sorted(keep.prerequisites - set(PREREQUISITE_OPTIONS)) if keep else []
        return IssueForm.build(
            project=data["project"].name,
            term=term_label,
            program_name=data["program_name"],
            description=data["description"],
            technologies=data["technologies"],
            skills_same=data["skills_same"],
            skills=data["skills"],
            mentors=data["mentors"],
            upstream_issue_url=data["upstream_issue_url"],
            prerequisites=[*data["prerequisites"], *extra],
            coding_challenge_url=data["coding_challenge_url"],
            custom_checked=data["custom_checked"],
            custom_name=data["custom_name"],
            custom_description=data["custom_description"],
            custom_file_upload=data["custom_file_upload"],
        )


class IssueBodyForm(forms.Form):
    """A CNCF proposal issue body, pasted or uploaded as a text file (at most 100 kB)."""

    body = forms.CharField(
        label="Paste a GitHub issue body",
        required=False,
        strip=False,
        help_text="The Markdown of a CNCF proposal issue (“### CNCF Project” and the other "
        "sections), as GitHub shows it when you edit the issue.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    upload = forms.FileField(
        label="…or upload it as a text file",
        required=False,
        help_text="Plain UTF-8 text, at most 100 kB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.txt,text/plain,text/markdown"}),
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if len(body.encode("utf-8")) > ISSUE_BODY_MAX_BYTES:
            raise forms.ValidationError("The issue body is larger than 100 kB.")
        return body

    def clean_upload(self) -> str:
        upload = self.cleaned_data.get("upload")
        if not isinstance(upload, UploadedFile):
            return ""
        if (upload.size or 0) > ISSUE_BODY_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 100 kB.")
        raw: bytes = upload.read(ISSUE_BODY_MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        if "\x00" in text:
            raise forms.ValidationError("The file is not a text file.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, upload = data.get("body", ""), data.get("upload", "")
        if self.errors:
            return data
        if body.strip() and upload:
            raise forms.ValidationError("Paste the issue body or upload a file, not both.")
        text = body if body.strip() else upload
        if not text.strip():
            raise forms.ValidationError("Paste an issue body or choose a file.")
        parsed = parse_issue_form(text, source="pasted issue body")
        if not parsed.sections or not parsed.project:
            raise forms.ValidationError(
                "This does not look like a CNCF proposal issue body: "
                "it has no “### CNCF Project” section with a project in it."
            )
        data["issue_form"] = parsed
        data["text"] = text  # as received, kept with the proposal for provenance
        return data


class ConfirmForm(forms.Form):
    handle = forms.CharField(required=False, max_length=40)


class NoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)


class LfxUrlForm(forms.Form):
    url = forms.CharField(max_length=300, label="LFX program URL")


def text_length(value: str) -> int:
    """A length as the CNCF validator and the browser count it (UTF-16 units, trimmed)."""
    return utf16_len(js_trim(value))
