"""The demo restaurant (CONTRACT section 9): its rows in restaurant.toml, loaded by
loader.py; `python manage.py seed_demo` runs it (README.md)."""

from hub.demo.loader import DEMO_PASSWORD, DatabaseNotEmpty, demo_is_loaded, seed_demo

__all__ = ["DEMO_PASSWORD", "DatabaseNotEmpty", "demo_is_loaded", "seed_demo"]
