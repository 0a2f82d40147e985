from __future__ import annotations

from django.urls import path

from cohort.selection import views

app_name = "selection"
urlpatterns = [
    # The program admin's round.
    path("selection/terms/<id:term_pk>/", views.term_page, name="term"),
    path("selection/terms/<id:term_pk>/run/", views.run, name="run"),
    path("selection/rounds/<id:round_pk>/overrides/", views.override_add, name="override_add"),
    path("selection/overrides/<id:pk>/remove/", views.override_remove, name="override_remove"),
    path("selection/rounds/<id:round_pk>/confirm/", views.confirm, name="confirm"),
    path("selection/rounds/<id:round_pk>/discard/", views.discard, name="discard"),
    # The mentors' slots.
    path("selection/projects/<id:project_pk>/slots/", views.slots, name="slots"),
    # The mentee's ranking and answers.
    path("selection/terms/<id:term_pk>/my-ranking/", views.my_ranking, name="my_ranking"),
    path("selection/offers/<id:pk>/accept/", views.accept, name="accept"),
    path("selection/offers/<id:pk>/decline/", views.decline, name="decline"),
]
