from __future__ import annotations

from django.urls import path

from cohort.applications import review_views, views

app_name = "applications"
urlpatterns = [
    # The mentee's side.
    path("applications/", views.my_applications, name="home"),
    path("applications/profile/", views.profile_edit, name="profile"),
    path("applications/profile/resume/", views.resume_download, name="resume"),
    path("applications/apply/<int:project_pk>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/tasks/<str:kind>/", views.task_submit, name="task"),
    path("applications/<int:pk>/files/<str:kind>/", views.task_file, name="task_file"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    # The mentors' and admins' side.
    path("review/", review_views.review_home, name="review_home"),
    path("review/terms/<int:term_pk>/", review_views.term_overview, name="term_overview"),
    path("review/projects/<int:project_pk>/", review_views.queue, name="queue"),
    path("review/projects/<int:project_pk>/ranking/", review_views.ranking, name="ranking"),
    path(
        "review/projects/<int:project_pk>/decline/", review_views.bulk_decline, name="bulk_decline"
    ),
    path(
        "review/projects/<int:project_pk>/applications.csv",
        review_views.queue_csv,
        name="queue_csv",
    ),
    path("review/applications/<int:pk>/", review_views.applicant, name="applicant"),
    path("review/applications/<int:pk>/review/", review_views.save_review, name="review"),
    path("review/applications/<int:pk>/conflict/", review_views.conflict, name="conflict"),
    path("review/applications/<int:pk>/shortlist/", review_views.shortlist, name="shortlist"),
    path("review/applications/<int:pk>/decline/", review_views.decline, name="decline"),
]
