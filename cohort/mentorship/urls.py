from __future__ import annotations

from django.urls import path

from cohort.mentorship import views

app_name = "mentorship"
urlpatterns = [
    path("mentorship/", views.mine, name="mine"),
    path("mentorship/mentees/", views.my_mentees, name="mentees"),
    path("mentorship/terms/<id:term_pk>/", views.term_placements, name="term"),
    path("mentorship/terms/<id:term_pk>/overdue/", views.overdue, name="overdue"),
    path("mentorship/placements/<id:pk>/", views.placement, name="placement"),
    path(
        "mentorship/placements/<id:pk>/evaluations/<slug:round_key>/",
        views.evaluate,
        name="evaluate",
    ),
    path(
        "mentorship/placements/<id:pk>/feedback/<slug:round_key>/",
        views.feedback,
        name="feedback",
    ),
    path("mentorship/placements/<id:pk>/extend/", views.extend, name="extend"),
    path("mentorship/placements/<id:pk>/hold/", views.hold, name="hold"),
    path("mentorship/placements/<id:pk>/resume/", views.resume, name="resume"),
    path("mentorship/placements/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "mentorship/placements/<id:pk>/rounds/<slug:round_key>/reopen/",
        views.reopen,
        name="reopen",
    ),
    path(
        "mentorship/placements/<id:pk>/rounds/<slug:round_key>/decide/",
        views.decide,
        name="decide",
    ),
    path("mentorship/placements/<id:pk>/completion/", views.share, name="share"),
    path("mentorship/programs/<slug:slug>/policy/", views.policy, name="policy"),
    path("completed/<str:token>/", views.completion, name="completion"),
]
