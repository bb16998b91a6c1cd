"""`python manage.py platform_demo --platform swiggy --orders 5`: a delivery platform for the
demo (docs/integrations.md "The demo simulator"). Posts signed orders of outlet 001's
menu, as Swiggy or Zomato would, to a running hub, so that a person can watch them
arrive on the kitchen screen. Needs no database: it only speaks HTTP to the hub.
"""

from __future__ import annotations

import json
import random
import time
import uuid

import requests
from django.core.management.base import BaseCommand, CommandError

from hub.secrets import signature_of

DEMO = {
    "swiggy": ("SWG", "demo-swiggy-secret"),
    "zomato": ("ZOM", "demo-zomato-secret"),
}
# outlet 001's fixed-price items without a required choice (11 needs a portion: below)
PLAIN_ITEMS = [1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 19, 20, 25, 26, 27]
GUESTS = [
    ("Neha Joshi", "+91 98450 11111", "7 Lalbagh Road"),
    ("Rahul Verma", "+91 98450 22222", "31 Indiranagar 12th Main"),
    ("Sneha Pillai", "+91 98450 33333", "4 Jayanagar 4th Block"),
    ("Priya Kapoor", "+91 98765 43210", "42 Koramangala 5th Block"),  # the demo's customer 10
]
NOTES = ["", "", "less spicy", "no onions", "extra napkins"]


def demo_order(prefix: str, rng: random.Random) -> dict:
    items = [
        {"platform_item_code": f"{prefix}-{item}", "quantity": rng.randint(1, 2)}
        for item in rng.sample(PLAIN_ITEMS, rng.randint(1, 3))
    ]
    for item in items:
        item["note"] = rng.choice(NOTES)
    if rng.random() < 0.5:  # paneer tikka with extra cheese
        items.append(
            {"platform_item_code": f"{prefix}-15", "quantity": 1, "modifiers": [f"{prefix}-OPT-1"]}
        )
    if rng.random() < 0.5:  # a full biryani (its portion is a required choice)
        items.append(
            {"platform_item_code": f"{prefix}-11", "quantity": 1, "modifiers": [f"{prefix}-OPT-4"]}
        )
    name, phone, address = rng.choice(GUESTS)
    return {
        "outlet_code": "001",
        "platform_order_ref": f"{prefix}-{uuid.uuid4().hex[:10].upper()}",
        "customer": {"name": name, "phone": phone, "address": address},
        "items": items,
        "prepaid": False,  # cash on delivery: the hub prices it; a prepaid order sends amount
        "instructions": rng.choice(["", "Ring the bell twice", "Leave at the gate"]),
    }


class Command(BaseCommand):
    help = "Post signed demo orders of a delivery platform to a running hub."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--platform", choices=sorted(DEMO), default="swiggy")
        parser.add_argument("--orders", type=int, default=5)
        parser.add_argument("--hub", default="http://127.0.0.1:8000", help="the hub's address")
        parser.add_argument("--secret", default="", help="default: the demo's secret")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between orders")
        parser.add_argument("--seed", type=int, default=None, help="repeatable orders")

    def handle(self, *args, platform, orders, hub, secret, interval, seed, **options):
        prefix, demo_secret = DEMO[platform]
        secret = secret or demo_secret
        rng = random.Random(seed)
        url = f"{hub.rstrip('/')}/api/v1/integrations/platforms/{platform}/orders"
        for n in range(orders):
            body = json.dumps(demo_order(prefix, rng)).encode()
            try:
                response = requests.post(
                    url,
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Hub-Signature": signature_of(secret, body),
                    },
                    timeout=10,
                )
            except requests.RequestException as exc:
                raise CommandError(f"The hub at {hub} did not answer: {exc}") from None
            answer = response.json()
            if answer.get("success"):
                data = answer["data"]
                self.stdout.write(
                    f"{platform} order {json.loads(body)['platform_order_ref']} -> "
                    f"{data['order_number']} ({data['status']}), HTTP {response.status_code}"
                )
            else:
                self.stdout.write(f"refused: HTTP {response.status_code} {answer.get('error')}")
            if n + 1 < orders:
                time.sleep(interval)
