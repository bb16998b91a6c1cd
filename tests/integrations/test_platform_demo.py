"""The demo simulator (`manage.py platform_demo`) posts signed orders to a running hub
(a real daphne), and they become KOTs in the kitchens (auto-accept is on in the demo)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hub import models as m
from hub.services.platforms import intake_staff
from pos_api.management.commands.platform_demo import demo_order
from tests.liveserver import run_daphne


@pytest.mark.postgres
def test_the_simulator_posts_orders_that_reach_the_kitchens(transactional_demo, capsys):
    with run_daphne("platform-demo") as server:
        call_command(
            "platform_demo",
            "--platform",
            "zomato",
            "--orders",
            "3",
            "--interval",
            "0",
            "--seed",
            "7",
            "--hub",
            server.http,
        )
    out = capsys.readouterr().out
    assert out.count("(kot), HTTP 201") == 3, out
    orders = m.Order.objects.filter(platform__code="zomato")
    assert orders.count() == 3
    assert all(o.kots.exists() for o in orders)
    assert {o.created_by_id for o in orders} == {intake_staff(transactional_demo).pk}


def test_every_demo_order_is_mapped_and_valid(api_as):
    import random

    from tests.integrations.test_platform_intake import post

    rng = random.Random(1)
    for _ in range(10):
        assert post(demo_order("SWG", rng)).status_code == 201
