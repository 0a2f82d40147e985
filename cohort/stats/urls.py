"""Pages of cohort.stats (issue 16)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cohort.stats import views, views_close

app_name = "stats"

urlpatterns: list[URLPattern] = [
    # Closing a term (cohort/stats/views_close.py).
    path("console/terms/<id:pk>/close/", views_close.close_term, name="close_term"),
    # Statistics (cohort/stats/views.py): a program's across its public terms, and a term's.
    path("<slug:program>/statistics/", views.program_statistics, name="program"),
    *(
        path(
            f"<slug:program>/statistics/<slug:table>.{fmt}",
            views.program_statistics_table,
            {"fmt": fmt},
            name=f"program_{fmt}",
        )
        for fmt in views.FORMATS
    ),
    path("<slug:program>/<str:term>/statistics/", views.term_statistics, name="term"),
    *(
        path(
            f"<slug:program>/<str:term>/statistics/<slug:table>.{fmt}",
            views.term_statistics_table,
            {"fmt": fmt},
            name=f"term_{fmt}",
        )
        for fmt in views.FORMATS
    ),
]
