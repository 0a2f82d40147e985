from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: every app's demo data in one command, so it sits above them all."""

    name = "cohort.demo"
    label = "demo"
