from __future__ import annotations

from django.urls import path

from cohort.applications import review_views, views

app_name = "applications"
urlpatterns = [
    # The mentee's side.
    path("applications/", views.my_applications, name="home"),
    path("applications/profile/", views.profile_edit, name="profile"),
    path("applications/profile/resume/", views.resume_download, name="resume"),
    path("applications/apply/<id:project_pk>/", views.apply, name="apply"),
    path("applications/<id:pk>/", views.application_detail, name="detail"),
    path("applications/<id:pk>/tasks/<str:kind>/", views.task_submit, name="task"),
    path("applications/<id:pk>/files/<str:kind>/", views.task_file, name="task_file"),
    path("applications/<id:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    # The mentors' and admins' side.
    path("review/", review_views.review_home, name="review_home"),
    path("review/terms/<id:term_pk>/", review_views.term_overview, name="term_overview"),
    path("review/projects/<id:project_pk>/", review_views.queue, name="queue"),
    path("review/projects/<id:project_pk>/ranking/", review_views.ranking, name="ranking"),
    path(
        "review/projects/<id:project_pk>/decline/", review_views.bulk_decline, name="bulk_decline"
    ),
    path(
        "review/projects/<id:project_pk>/applications.csv",
        review_views.queue_csv,
        name="queue_csv",
    ),
    path("review/applications/<id:pk>/", review_views.applicant, name="applicant"),
    path("review/applications/<id:pk>/review/", review_views.save_review, name="review"),
    path("review/applications/<id:pk>/conflict/", review_views.conflict, name="conflict"),
    path("review/applications/<id:pk>/shortlist/", review_views.shortlist, name="shortlist"),
    path("review/applications/<id:pk>/decline/", review_views.decline, name="decline"),
]
