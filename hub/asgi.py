"""ASGI entry point: HTTP through Django, WebSockets through Channels (docs/realtime.md)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from hub.request_id import RequestIdASGIMiddleware  # noqa: E402
from realtime.auth import TokenAuthMiddleware  # noqa: E402
from realtime.routing import websocket_urlpatterns  # noqa: E402

# The request id (hub/request_id.py) wraps both: one id per request or connection.
application = RequestIdASGIMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": TokenAuthMiddleware(URLRouter(websocket_urlpatterns)),
        }
    )
)
