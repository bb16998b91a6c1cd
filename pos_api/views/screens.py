"""GET /api/v1/pos/me: who is signed in and what their screen needs (docs/screens.md,
docs/api.md "Screens"). The sign-in page calls it to pick the screen for the role,
also for a pasted device token, whose role it cannot know otherwise."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema

from hub.selectors.screens import screen_context

from ..envelope import ok
from ..routes import api_path
from ..serializers.screens import MeOut
from .base import HubApiView


class MeApi(HubApiView):
    permission = "catalog.read"  # any signed-in role

    @extend_schema(
        responses=MeOut,
        summary="The signed-in staff, their outlet's screen settings, kitchens and driver id",
    )
    def get(self, request):
        return ok(MeOut(screen_context(staff=self.staff)).data)


urlpatterns = [
    *api_path("me", MeApi.as_view(), "me"),
]
