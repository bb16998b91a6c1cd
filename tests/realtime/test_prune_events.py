"""prune_events: the outbox keeps events at least 24 h (CONTRACT 6, docs/realtime.md "Retention")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hub.events.replay import stream_resume_check
from hub.models import Event, StreamCursor
from tests.realtime.conftest import record_availability


def _age(stream: str, seqs: list[int], hours: float) -> None:
    Event.objects.filter(stream=stream, seq__in=seqs).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


@pytest.mark.embedded
def test_prune_deletes_only_events_older_than_the_retention(demo, settings, capsys):
    settings.HUB_EVENT_RETENTION_HOURS = 48
    record_availability("kitchen.1", 4)
    _age("kitchen.1", [1, 2], hours=49)
    _age("kitchen.1", [3], hours=47)
    call_command("prune_events")
    assert list(Event.objects.filter(stream="kitchen.1").values_list("seq", flat=True)) == [3, 4]
    assert "Deleted 2 events older than 48 h." in capsys.readouterr().out
    # the cursor stays: seq goes on, and a client behind the pruned range must resync
    assert StreamCursor.objects.get(stream="kitchen.1").last_seq == 4
    assert stream_resume_check(stream="kitchen.1", since=1) == (True, 4)
    assert stream_resume_check(stream="kitchen.1", since=2) == (False, 4)


def test_prune_never_keeps_less_than_24_hours(demo, settings):
    record_availability("kitchen.1", 1)
    _age("kitchen.1", [1], hours=23)
    with pytest.raises(CommandError, match="at least 24"):
        call_command("prune_events", "--hours", "12")
    call_command("prune_events", "--hours", "24")
    assert Event.objects.filter(stream="kitchen.1").count() == 1


def test_prune_works_in_batches(demo):
    record_availability("table.3", 7)
    _age("table.3", list(range(1, 8)), hours=100)
    from hub.events.outbox import events_prune

    assert events_prune(older_than_hours=24, batch_size=3) == 7
    assert not Event.objects.filter(stream="table.3").exists()
    assert stream_resume_check(stream="table.3", since=7) == (False, 7)
    assert stream_resume_check(stream="table.3", since=6) == (True, 7)
