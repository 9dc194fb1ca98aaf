"""Portal URLs."""

from django.urls import path

from suppliers import portal_account, portal_onboarding, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("call-offs/", views.call_offs, name="call-offs"),
    path("call-offs/<uuid:pk>/", views.call_off_detail, name="call-off"),
    path("upload/", views.upload, name="upload"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/download", views.inbox_download, name="inbox-download"),
    path("inbox/<int:pk>/json", views.inbox_json, name="inbox-json"),
    path("inbox/<int:pk>/mark", views.inbox_mark_view, name="inbox-mark"),
    path("account/", portal_account.account, name="account"),
    path("account/users/<int:pk>/", portal_account.account_user, name="account-user"),
    path("interchanges/", views.interchanges, name="interchanges"),
    path("interchanges/<uuid:pk>/", views.interchange_detail, name="interchange"),
    path("interchanges/<uuid:pk>/raw", views.interchange_raw, name="interchange-raw"),
    path("interchanges/<uuid:pk>/ack", views.interchange_ack, name="interchange-ack"),
    path("invitation/<str:token>/", portal_onboarding.invitation, name="invitation"),
    path("register/", portal_onboarding.register, name="register"),
    path("profile/", portal_onboarding.profile, name="profile"),
    path("profile/identifiers/", portal_onboarding.profile_identifiers, name="profile-identifiers"),
    path("profile/channel/", portal_onboarding.profile_channel, name="profile-channel"),
    path("profile/done/", portal_onboarding.profile_done, name="profile-done"),
    path("profile/start-testing/", portal_onboarding.profile_start_testing, name="profile-start-testing"),
]
