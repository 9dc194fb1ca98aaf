"""Staff URLs mounted at /staff/: home, the live overview with its drill-downs, search."""

from django.urls import path

from hub import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("overview/", staff_views.overview, name="overview"),
    path("overview/<slug:key>/", staff_views.figure_list, name="figure"),
    path("search/", staff_views.search, name="search"),
    path("call-offs/new/", staff_views.call_off_new, name="call-off-new"),
]
