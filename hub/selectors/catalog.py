"""Read queries for reference data, scoped to the caller's outlet where the data is per outlet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hub.models import (
    Kitchen,
    KitchenScreen,
    MenuCategory,
    MenuItem,
    ModifierGroup,
    ModifierOption,
    OrderType,
    Outlet,
    PaymentMethod,
    TaxComponent,
)


def payment_methods_active() -> QuerySet[PaymentMethod]:
    return PaymentMethod.objects.filter(is_active=True, offered_at_till=True).order_by("id")


def order_types_all() -> QuerySet[OrderType]:
    return OrderType.objects.order_by("id")


@dataclass(frozen=True)
class MenuSection:
    """A category with its items; `category` None is the section of uncategorised items."""

    category: MenuCategory | None
    items: list[MenuItem]


def modifier_groups_prefetch() -> Prefetch:
    """An item's modifier groups with their options, in menu order: two queries for any
    number of items (CONTRACT 11)."""
    options = ModifierOption.objects.order_by("sort_order", "id")
    groups = ModifierGroup.objects.order_by("sort_order", "id").prefetch_related(
        Prefetch("options", queryset=options)
    )
    return Prefetch("modifier_groups", queryset=groups)


def _menu_items(outlet: Outlet) -> QuerySet[MenuItem]:
    return (
        MenuItem.objects.filter(outlet=outlet)
        .select_related("tax_category", "kitchen")
        .prefetch_related(
            Prefetch("tax_category__components", queryset=TaxComponent.objects.order_by("id")),
            modifier_groups_prefetch(),
        )
        .order_by("sort_order", "id")
    )


def menu_for_outlet(*, outlet: Outlet) -> list[MenuSection]:
    """Every category of the outlet (empty ones too) with its items, in menu order.

    Unavailable items are included with is_available false: a POS greys them
    out rather than losing them. Five queries, whatever the menu's size.
    """
    categories = list(MenuCategory.objects.filter(outlet=outlet).order_by("sort_order", "id"))
    by_category: dict[int | None, list[MenuItem]] = {}
    for item in _menu_items(outlet):
        by_category.setdefault(item.category_id, []).append(item)
    sections = [MenuSection(category=c, items=by_category.get(c.pk, [])) for c in categories]
    if by_category.get(None):
        sections.append(MenuSection(category=None, items=by_category[None]))
    return sections


def kitchens_with_items(
    *, outlet: Outlet, screens_stale_before: datetime | None = None
) -> QuerySet[Kitchen]:
    """The outlet's kitchens with their assigned menu items (`menu_items`) and the items'
    modifier groups, in four queries. Each kitchen carries `screens_connected` (its open
    screens whose last beat is after `screens_stale_before`) and `screens_last_seen_at`
    (hub/services/kitchen_screens.py writes them), as subqueries of the first query."""
    items = MenuItem.objects.order_by("sort_order", "id").prefetch_related(
        modifier_groups_prefetch()
    )
    screens = KitchenScreen.objects.filter(kitchen=OuterRef("pk"))
    live = screens.filter(closed_at__isnull=True)
    if screens_stale_before is not None:
        live = live.filter(last_seen_at__gte=screens_stale_before)
    return (
        Kitchen.objects.filter(outlet=outlet)
        .annotate(
            screens_connected=Coalesce(
                Subquery(live.order_by().values("kitchen").annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            screens_last_seen_at=Subquery(
                screens.order_by("-last_seen_at").values("last_seen_at")[:1]
            ),
        )
        .select_related("printer")
        .prefetch_related(Prefetch("menu_items", queryset=items))
        .order_by("id")
    )
