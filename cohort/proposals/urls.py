from __future__ import annotations

from django.urls import path

from cohort.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/<id:term_pk>/", views.proposal_new, name="new"),
    path("new/<id:term_pk>/import/", views.proposal_import, name="import"),
    path("board/<id:term_pk>/", views.term_board, name="board"),
    path("board/<id:term_pk>/publish/", views.term_publish, name="publish"),
    path("<id:pk>/", views.proposal_detail, name="detail"),
    path("<id:pk>/edit/", views.proposal_edit, name="edit"),
    path("<id:pk>/submit/", views.proposal_submit, name="submit"),
    path("<id:pk>/approve/", views.proposal_approve, name="approve"),
    path("<id:pk>/confirm/", views.proposal_confirm, name="confirm"),
    path("<id:pk>/admin-approve/", views.proposal_admin_approve, name="admin_approve"),
    path("<id:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<id:pk>/reject/", views.proposal_reject, name="reject"),
    path("<id:pk>/lfx-url/", views.proposal_record_lfx_url, name="lfx_url"),
]
