from __future__ import annotations

from django.urls import path

from cohort.mentorship import views

app_name = "mentorship"
urlpatterns = [
    path("mentorship/", views.mine, name="mine"),
    path("mentorship/mentees/", views.my_mentees, name="mentees"),
    path("mentorship/terms/<id:term_pk>/", views.term_placements, name="term"),
]
