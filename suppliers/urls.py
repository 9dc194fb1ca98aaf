"""Portal URLs."""

from django.urls import path

from suppliers import calloff_views, portal_account, portal_asn, portal_onboarding, portal_tokens, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("call-offs/", calloff_views.call_offs, name="call-offs"),
    path("call-offs/<uuid:pk>/", calloff_views.call_off_detail, name="call-off"),
    path("call-offs/plant/", calloff_views.plant_grid_view, name="call-off-plant-grid"),
    path("call-offs/plant/export.<str:extension>", calloff_views.plant_grid_export, name="call-off-plant-grid-export"),
    path("call-offs/<uuid:pk>/acknowledge", calloff_views.call_off_acknowledge_view, name="call-off-acknowledge"),
    path("call-offs/<uuid:pk>/export.<str:extension>", calloff_views.call_off_export, name="call-off-export"),
    path("upload/", views.upload, name="upload"),
    path("despatch-advices/", portal_asn.despatch_advices, name="despatch-advices"),
    path("despatch-advices/new/", portal_asn.despatch_advice_new, name="despatch-advice-new"),
    path("despatch-advices/<uuid:pk>/", portal_asn.despatch_advice_detail, name="despatch-advice"),
    path("despatch-advices/<uuid:pk>/labels.pdf", portal_asn.despatch_advice_labels, {"printer": "pdf"}, name="despatch-advice-labels-pdf"),
    path("despatch-advices/<uuid:pk>/labels.zpl", portal_asn.despatch_advice_labels, {"printer": "zpl"}, name="despatch-advice-labels-zpl"),
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
    path("tokens/", portal_tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke", portal_tokens.token_revoke_view, name="token-revoke"),
    path("profile/start-testing/", portal_onboarding.profile_start_testing, name="profile-start-testing"),
]
