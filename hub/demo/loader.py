"""Load hub/demo/restaurant.toml, the demo restaurant of CONTRACT section 9 (README.md).

The rows are data, in that file; this module only knows how to write them: one
bulk insert per model in the file's order, many-to-many lists after, and the few
values that are computed rather than typed (passwords, phone digits, spool paths,
sealed platform secrets),
computed by the same functions the API uses. It refuses a database that holds
anything else, and does nothing on one that already holds the demo.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from hub.phones import phone_normalize
from hub.secrets import secret_seal

DATA = Path(__file__).with_name("restaurant.toml")
DEMO_PASSWORD = "demo1234"


class DatabaseNotEmpty(Exception):
    pass


@cache
def demo_rows() -> dict[str, list[dict]]:
    """The file's rows: {model name: [row, ...]}, in the file's order."""
    tables = tomllib.loads(DATA.read_text(encoding="utf-8"))
    for name, table in tables.items():
        if set(table) != {"rows"}:
            raise ValueError(f"{DATA.name}: [{name}] holds {sorted(table)}; only `rows`")
    return {name: table["rows"] for name, table in tables.items()}


def demo_is_loaded() -> bool:
    outlet = demo_rows()["Outlet"][0]
    model = apps.get_model("hub", "Outlet")
    return model.objects.filter(pk=outlet["id"], code=outlet["code"], name=outlet["name"]).exists()


def database_is_empty() -> bool:
    return not any(
        apps.get_model("hub", name).objects.exists()
        for name in ("Outlet", "Staff", "OrderType", "PaymentMethod")
    )


@transaction.atomic
def seed_demo(*, password: str = DEMO_PASSWORD) -> dict:
    """Load the demo; returns a summary with the logins. Raises DatabaseNotEmpty."""
    if demo_is_loaded():
        return {"loaded": False, "reason": "already loaded"}
    if not database_is_empty():
        raise DatabaseNotEmpty(
            "This database already holds data that is not the demo; seed_demo only loads "
            "into an empty database. Use a new DATABASE_URL (or delete var/hub.sqlite3)."
        )
    loader = _Loader(password=password)
    for name, rows in demo_rows().items():
        loader.load(name, rows)
    _reset_id_sequences()
    return {
        "loaded": True,
        "logins": [
            (s.username, s.role, loader.outlets[s.outlet_id].code) for s in loader.created["Staff"]
        ],
        "password": password,
    }


class _Loader:
    def __init__(self, *, password: str):
        self.password = password
        self.now = timezone.now()  # one moment for every relative date-time
        self.created: dict[str, list[models.Model]] = {}
        self.outlets: dict[int, models.Model] = {}

    def load(self, name: str, rows: list[dict]) -> None:
        model = apps.get_model("hub", name)
        objects, many = [], []
        for row in rows:
            values, links = self._values(model, row)
            obj = model(**values)
            self._computed(name, obj)
            objects.append(obj)
            many.append(links)
        model.objects.bulk_create(objects)
        for obj, links in zip(objects, many, strict=True):
            for field, ids in links.items():
                getattr(obj, field).set(ids)
        self.created[name] = objects
        if name == "Outlet":
            self.outlets = {o.pk: o for o in objects}

    def _values(self, model, row: dict) -> tuple[dict, dict]:
        values, links = {}, {}
        for key, value in row.items():
            try:
                field = model._meta.get_field(key)  # a field's name, or a foreign key's `x_id`
            except FieldDoesNotExist as exc:
                raise ValueError(f"{model.__name__} has no field {key!r}: {row}") from exc
            if field.many_to_many:
                links[key] = value
            elif isinstance(field, models.DecimalField):
                if not isinstance(value, str | int):
                    raise ValueError(f"{model.__name__}.{key}: write decimals as strings")
                values[key] = Decimal(str(value))
            elif isinstance(field, models.DateTimeField) and isinstance(value, dict):
                values[key] = self.now + timedelta(days=value["days_from_now"])
            else:
                values[key] = value
        return values, links

    def _computed(self, name: str, obj) -> None:
        """The values the file does not type: each is what the API would store."""
        if name == "Staff":
            obj.set_password(self.password)
        elif name == "Customer" and obj.phone and not obj.phone_digits:
            obj.phone_digits = phone_normalize(
                obj.phone, region=self.outlets[obj.outlet_id].country
            )
        elif name == "PlatformAccount":
            obj.secret_sealed = secret_seal(obj.secret_sealed)  # the file holds it in clear
        elif name == "Printer" and obj.connection == "file" and not Path(obj.address).is_absolute():
            obj.address = str(settings.HUB_PRINT_SPOOL_DIR / obj.address)


def _reset_id_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the demo rows."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_app_config("hub").get_models()
    )
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
