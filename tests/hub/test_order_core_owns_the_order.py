"""Only hub/services/order_core.py locks an order row or writes its version
(docs/architecture.md "The order core")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = [
    p
    for d in ("hub", "pos_api", "realtime", "printers", "displays")
    for p in (ROOT / d).rglob("*.py")
]
OWNER = ROOT / "hub" / "services" / "order_core.py"

# `something.version = / +=`, or an UPDATE of the column (`version=F("version") + 1`)
WRITES_VERSION = re.compile(r"\.version\s*(\+=|=(?!=))|\bversion\s*=\s*F\(")
LOCKS_ORDER = re.compile(r"\bOrder\.objects\.select_for_update|\border\w*\.select_for_update")


def _offenders(pattern: re.Pattern) -> list[str]:
    found = []
    for path in CODE:
        if path == OWNER or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and "expected_version" not in code:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_code_but_the_order_core_writes_an_orders_version():
    assert _offenders(WRITES_VERSION) == []


def test_no_code_but_the_order_core_locks_an_order_row():
    assert _offenders(LOCKS_ORDER) == []


def test_the_patterns_catch_what_they_are_for():
    # the test is only as good as its patterns: they must see the old copies
    assert WRITES_VERSION.search("    order.version += 1")
    assert WRITES_VERSION.search('Order.objects.filter(pk=1).update(version=F("version") + 1)')
    assert LOCKS_ORDER.search("Order.objects.select_for_update(of=('self',))")
    assert not WRITES_VERSION.search('"version": order.version,')
