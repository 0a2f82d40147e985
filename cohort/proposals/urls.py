from __future__ import annotations

from django.urls import path

from cohort.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/<int:term_pk>/", views.proposal_new, name="new"),
    path("new/<int:term_pk>/import/", views.proposal_import, name="import"),
    path("board/<int:term_pk>/", views.term_board, name="board"),
    path("board/<int:term_pk>/publish/", views.term_publish, name="publish"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("<int:pk>/confirm/", views.proposal_confirm, name="confirm"),
    path("<int:pk>/admin-approve/", views.proposal_admin_approve, name="admin_approve"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<int:pk>/reject/", views.proposal_reject, name="reject"),
    path("<int:pk>/lfx-url/", views.proposal_record_lfx_url, name="lfx_url"),
]
