"""Which ideas are the README's programs (cohort.formats.merge, spec §7.9).

The titles below are from cncf/mentoring (CC-BY-4.0): programs/lfx-mentorship/2020/q1,
2020/q3-q4 and 2022/01-Spring, their README.md or selected_projects.md and project_ideas.md.
"""

from __future__ import annotations

from cohort.formats.merge import Entry, match, normalise_title

LFX = "https://mentorship.lfx.linuxfoundation.org/project/"


def test_titles_are_normalised_for_case_punctuation_and_spaces() -> None:
    assert normalise_title("  Kubernetes  working group: CSI-driver!") == (
        "kubernetes working group csi driver"
    )
    assert normalise_title("Improving unit test coverage(CAPV)") == (
        "improving unit test coverage capv"
    )
    assert normalise_title("ＫＥＤＡ") == "keda"  # full-width letters fold to ASCII


def test_the_lfx_url_pairs_first_whatever_the_title_or_organization() -> None:
    accepted = [Entry("Renamed program", "Antrea", lfx_url=LFX + "abc/")]
    ideas = [
        Entry("Support DNS caches", "Antrea"),
        Entry("Other", "antrea.io", lfx_url=LFX + "abc"),
    ]
    assert match(accepted, ideas) == [(0, 1)]


def test_same_organization_and_normalised_title_pair() -> None:
    accepted = [
        Entry("Working Group for CSI Driver", "Kubernetes"),
        Entry("Storage Plugins", "Cortex"),
    ]
    ideas = [
        Entry("Storage plugins", "Cortex"),
        Entry("working group for CSI driver", "kubernetes"),
    ]
    assert match(accepted, ideas, fuzzy=None) == [(0, 1), (1, 0)]


def test_the_same_title_of_another_organization_is_another_program() -> None:
    accepted = [Entry("Improve the documentation", "Thanos")]
    ideas = [Entry("Improve the documentation", "Cortex")]
    assert match(accepted, ideas) == []


def test_a_readme_entry_without_a_heading_pairs_by_its_description() -> None:
    # 2022 Spring: the README's second KubeArmor program has no heading.
    text = "Mutating webhooks could achieve the same functionality in a much cleaner way."
    accepted = [Entry("", "KubeArmor", description=text)]
    ideas = [
        Entry("Support for K8s pod annotations", "KubeArmor", description="Another."),
        Entry(
            "Using mutating webhooks for applying pod/container kubearmor annotations",
            "KubeArmor",
            description=text + "\n",
        ),
    ]
    assert match(accepted, ideas) == [(0, 1)]


def test_a_close_title_pairs_only_with_the_fuzzy_pass() -> None:
    accepted = [Entry("Improvising unit test coverage(CAPV)", "Kubernetes")]
    ideas = [Entry("Improving unit test coverage(CAPV)", "Kubernetes")]
    assert match(accepted, ideas, fuzzy=None) == []
    assert match(accepted, ideas) == [(0, 0)]


def test_the_closest_title_wins_and_pairs_are_one_to_one() -> None:
    accepted = [Entry("Add metrics for the proxy", "Envoy")]
    ideas = [
        Entry("Add metric for the proxies", "Envoy"),
        Entry("Add metrics for the proxy.", "Envoy"),
    ]
    assert match(accepted, ideas) == [(0, 1)]
    twice = [Entry("Add metrics for the proxy", "Envoy")] * 2
    assert match(twice, ideas[1:]) == [(0, 0)]  # one idea is one program


def test_a_title_inside_the_other_pairs_when_only_one_idea_fits() -> None:
    accepted = [Entry("OpenTelemetry C++ SDK ETW exporter", "OpenTelemetry")]
    ideas = [
        Entry("ETW exporter", "Opentelemetry"),
        Entry("PHP Exporter Development", "OpenTelemetry"),
    ]
    assert match(accepted, ideas) == [(0, 0)]
    # Two ideas that fit: neither is chosen.
    both = [Entry("ETW exporter", "OpenTelemetry"), Entry("SDK ETW", "OpenTelemetry")]
    assert match(accepted, both) == []
    # One word is too little to go on.
    assert (
        match(
            [Entry("Exporter for OpenTelemetry", "OpenTelemetry")],
            [Entry("Exporter", "OpenTelemetry")],
        )
        == []
    )


def test_dissimilar_titles_of_one_organization_stay_apart() -> None:
    accepted = [Entry("Improve Envoy observability for http module", "Envoy")]
    ideas = [Entry("Enrich Envoy stats with header size histogram", "Envoy")]
    assert match(accepted, ideas) == []


def test_the_pairing_does_not_depend_on_ideas_already_paired_being_left_out() -> None:
    accepted = [Entry("Storage plugins", "Cortex"), Entry("ETW exporter for the C++ SDK", "OTel")]
    ideas = [
        Entry("ETW exporter", "OTel"),
        Entry("Storage Plugins", "Cortex"),
        Entry("Zpages", "OTel"),
    ]
    full = match(accepted, ideas)
    assert full == [(0, 1), (1, 0)]
    unpaired = [i for i in range(len(ideas)) if i not in {i for _, i in full}]
    assert match(accepted, [ideas[i] for i in unpaired]) == []
