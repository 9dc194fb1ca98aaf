"""URLs of the REST API, version 1."""

from django.urls import path

from hub.api import calloffs, submissions, views

app_name = "api"

urlpatterns = [
    path("interchanges/", views.InterchangeListCreate.as_view(), name="interchange-list"),
    path("interchanges/<uuid:pk>/", views.InterchangeDetail.as_view(), name="interchange-detail"),
    path("interchanges/<uuid:pk>/raw", views.InterchangeRaw.as_view(), name="interchange-raw"),
    path("interchanges/<uuid:pk>/ack", views.InterchangeAck.as_view(), name="interchange-ack"),
    path("call-offs/", views.CallOffList.as_view(), name="call-off-list"),
    path("call-offs/<uuid:pk>/", views.CallOffDetail.as_view(), name="call-off-detail"),
    path("call-offs/<uuid:pk>/versions", calloffs.CallOffVersions.as_view(), name="call-off-versions"),
    path("call-offs/<uuid:pk>/changes", calloffs.CallOffChanges.as_view(), name="call-off-changes"),
    path("call-offs/<uuid:pk>/acknowledge", calloffs.CallOffAcknowledge.as_view(), name="call-off-acknowledge"),
    path("despatch-advices/", submissions.DespatchAdviceListCreate.as_view(), name="despatch-advice-list"),
    path("despatch-advices/<uuid:pk>/", views.DespatchAdviceDetail.as_view(), name="despatch-advice-detail"),
    path("despatch-advices/<uuid:pk>/labels.pdf", submissions.DespatchAdviceLabelsPdf.as_view(), name="despatch-advice-labels-pdf"),
    path("despatch-advices/<uuid:pk>/labels.zpl", submissions.DespatchAdviceLabelsZpl.as_view(), name="despatch-advice-labels-zpl"),
    path("purchase-orders/", views.PurchaseOrderList.as_view(), name="purchase-order-list"),
    path("purchase-orders/<uuid:pk>/", views.PurchaseOrderDetail.as_view(), name="purchase-order-detail"),
    path("order-responses/", submissions.OrderResponseListCreate.as_view(), name="order-response-list"),
    path("order-responses/<uuid:pk>/", views.OrderResponseDetail.as_view(), name="order-response-detail"),
    path("deliveries/", views.DeliveryList.as_view(), name="delivery-list"),
    path("deliveries/<int:pk>/", views.DeliveryDetail.as_view(), name="delivery-detail"),
    path("deliveries/<int:pk>/receipt", views.DeliveryReceipt.as_view(), name="delivery-receipt"),
    path("plants/", views.PlantList.as_view(), name="plant-list"),
    path("suppliers/", views.SupplierList.as_view(), name="supplier-list"),
    path("formats/", views.FormatList.as_view(), name="format-list"),
    path("translate", views.Translate.as_view(), name="translate"),
    path("tokens/", views.TokenListCreate.as_view(), name="token-list"),
    path("tokens/<int:pk>/revoke", views.TokenRevoke.as_view(), name="token-revoke"),
    path("overview/", views.Overview.as_view(), name="overview"),
]
