"""Portal URLs."""

from django.urls import path

from suppliers import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("call-offs/", views.call_offs, name="call-offs"),
    path("call-offs/<uuid:pk>/", views.call_off_detail, name="call-off"),
    path("upload/", views.upload, name="upload"),
    path("interchanges/", views.interchanges, name="interchanges"),
    path("interchanges/<uuid:pk>/", views.interchange_detail, name="interchange"),
    path("interchanges/<uuid:pk>/raw", views.interchange_raw, name="interchange-raw"),
]
