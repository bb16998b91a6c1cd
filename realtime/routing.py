"""WebSocket routes (CONTRACT section 6, docs/realtime.md "Streams").

Each stream is served with and without the trailing slash. Ids are 1 to 18
digits (a bigint); anything else under /ws/ closes with 4404 (4401 without a
valid token), so a typo never looks like a server error.
"""

from django.urls import re_path

from realtime import consumers

_ID = r"(?P<object_id>[0-9]{1,18})"

websocket_urlpatterns: list = [
    re_path(rf"^ws/v1/kitchens/{_ID}/?$", consumers.KitchenConsumer.as_asgi()),
    re_path(rf"^ws/v1/tables/{_ID}/?$", consumers.TableConsumer.as_asgi()),
    re_path(rf"^ws/v1/drivers/{_ID}/?$", consumers.DriverConsumer.as_asgi()),
    re_path(rf"^ws/v1/printers/{_ID}/?$", consumers.PrinterConsumer.as_asgi()),
    re_path(r"^ws/v1/floor/?$", consumers.FloorConsumer.as_asgi()),
    re_path(r"^ws/v1/orders/?$", consumers.OrdersConsumer.as_asgi()),
    re_path(r"^ws/v1/expo/?$", consumers.ExpoConsumer.as_asgi()),
    re_path(r"^ws/", consumers.UnknownStreamConsumer.as_asgi()),
]
