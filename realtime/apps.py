"""The realtime app: Channels consumers and the publisher (docs/realtime.md "Publishing")."""

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self) -> None:
        """Tell the outbox where committed events go: the domain core never imports the
        transport (docs/architecture.md "Layers"), so the transport registers itself. A
        process without this app publishes nothing; its events stay in the outbox and
        consumers replay them from there."""
        from hub.events.outbox import publisher_register
        from realtime import publish

        # Looked up at each call, not bound now: whoever replaces publish.publish_events
        # (the tests that make the layer drop messages) is the one that runs.
        publisher_register(lambda events: publish.publish_events(events))
