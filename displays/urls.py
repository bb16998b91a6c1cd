"""The screens served by the hub itself (docs/screens.md), with or without the trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^$", views.LoginPage.as_view(), name="screens-login"),
    re_path(
        r"^kds/(?P<kitchen_id>[0-9]{1,18})/?$",
        views.KitchenDisplayPage.as_view(),
        name="screens-kds",
    ),
    re_path(r"^waiter/?$", views.WaiterPage.as_view(), name="screens-waiter"),
    re_path(r"^driver/?$", views.DriverPage.as_view(), name="screens-driver"),
    re_path(r"^manager/?$", views.ManagerPage.as_view(), name="screens-manager"),
    re_path(r"^expo/?$", views.ExpoPage.as_view(), name="screens-expo"),
]
