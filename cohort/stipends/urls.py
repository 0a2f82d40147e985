from __future__ import annotations

from django.urls import path

from cohort.stipends import views

app_name = "stipends"
urlpatterns = [
    path("terms/<id:pk>/payments/", views.payments, name="payments"),
    path("terms/<id:pk>/export/", views.export, name="export"),
    path("terms/<id:pk>/results/", views.results, name="results"),
    path("terms/<id:pk>/ageing/", views.ageing, name="ageing"),
    path("payments/<id:pk>/", views.payment, name="payment"),
    path("exports/<id:pk>/download/", views.export_file, name="export_file"),
    path("programs/<slug:slug>/policy/", views.policy, name="policy"),
    path("policies/<id:pk>/policy.csv", views.policy_csv, name="policy_csv"),
    path("me/", views.mine, name="mine"),
]
