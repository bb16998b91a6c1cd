"""The screens served by the hub itself (docs/screens.md)."""

urlpatterns: list = []
