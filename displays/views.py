"""The screens' pages (docs/screens.md): plain templates; everything they show comes
from the REST API and the live streams, called by their static JavaScript with the
token the sign-in page keeps in the browser. The pages themselves hold no data, so
they need no sign-in on the server."""

from django.views.generic import TemplateView


class LoginPage(TemplateView):
    template_name = "displays/login.html"


class KitchenDisplayPage(TemplateView):
    template_name = "displays/kds.html"


class WaiterPage(TemplateView):
    template_name = "displays/waiter.html"


class DriverPage(TemplateView):
    template_name = "displays/driver.html"


class ManagerPage(TemplateView):
    template_name = "displays/manager.html"


class ExpoPage(TemplateView):
    template_name = "displays/expo.html"
