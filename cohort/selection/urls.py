from __future__ import annotations

from django.urls import path

from cohort.selection import views_mentee, views_mentor, views_round

app_name = "selection"
urlpatterns = [
    # The program admin's round.
    path("selection/terms/<id:term_pk>/", views_round.term_page, name="term"),
    path("selection/terms/<id:term_pk>/run/", views_round.run, name="run"),
    path(
        "selection/rounds/<id:round_pk>/overrides/", views_round.override_add, name="override_add"
    ),
    path(
        "selection/overrides/<id:pk>/remove/", views_round.override_remove, name="override_remove"
    ),
    path("selection/rounds/<id:round_pk>/confirm/", views_round.confirm, name="confirm"),
    path("selection/rounds/<id:round_pk>/discard/", views_round.discard, name="discard"),
    # The mentors' slots.
    path("selection/projects/<id:project_pk>/slots/", views_mentor.slots, name="slots"),
    # The mentee's ranking and answers.
    path("selection/terms/<id:term_pk>/my-ranking/", views_mentee.my_ranking, name="my_ranking"),
    path("selection/offers/<id:pk>/accept/", views_mentee.accept, name="accept"),
    path("selection/offers/<id:pk>/decline/", views_mentee.decline, name="decline"),
]
