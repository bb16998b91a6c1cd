"""WebSocket routes (CONTRACT section 6). Filled in by the live-streams work."""

websocket_urlpatterns: list = []
