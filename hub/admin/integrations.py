"""Delivery platforms and webhooks in the admin (docs/admin.md "Integrations",
docs/integrations.md).

A manager sets their outlet's store on each platform (its signing secret: typed into a
write-only field, stored sealed, hub/secrets.py; typing a new one rotates it at once),
maps the platform's item and option codes to the menu, reads the platform orders taken
in, and sees each webhook subscription's state: a subscription disabled after 24 h of
failed deliveries is resumed here by clearing "disabled at".
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from hub import models as m
from hub.secrets import secret_seal

from .base import ALL, EDIT, VIEW, OutletAdmin


class PlatformAccountForm(forms.ModelForm):
    new_secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="The secret the platform signs its orders with. Leave empty to keep the "
        "current one; a new one replaces it at once (rotation).",
    )

    class Meta:
        model = m.PlatformAccount
        fields = ("platform", "outlet", "is_active")

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("new_secret"):
            self.add_error("new_secret", "A new store needs its secret.")
        return cleaned

    def save(self, commit=True):
        secret = self.cleaned_data.get("new_secret")
        if secret:
            self.instance.secret_sealed = secret_seal(secret)
        return super().save(commit)


@admin.register(m.PlatformAccount)
class PlatformAccountAdmin(OutletAdmin):
    manager_may = EDIT
    form = PlatformAccountForm
    list_display = ("id", "platform", "outlet", "is_active")
    list_filter = ("outlet", "platform")
    fields = ("platform", "outlet", "new_secret", "is_active")


@admin.register(m.PlatformCode)
class PlatformCodeAdmin(OutletAdmin):
    manager_may = ALL
    list_display = ("code", "platform", "menu_item", "modifier_option", "outlet")
    list_filter = ("outlet", "platform")
    search_fields = ("code", "menu_item__name", "modifier_option__name")
    fields = ("platform", "outlet", "code", "menu_item", "modifier_option")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "modifier_option":
            from .base import manager_outlet_id

            outlet_id = manager_outlet_id(request)
            if outlet_id is not None:
                kwargs["queryset"] = m.ModifierOption.objects.filter(
                    group__menu_item__outlet_id=outlet_id
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(m.PlatformOrder)
class PlatformOrderAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("ref", "platform", "order", "prepaid_amount", "created_at", "outlet")
    list_filter = ("outlet", "platform")
    search_fields = ("ref",)


@admin.register(m.WebhookSubscription)
class WebhookSubscriptionAdmin(OutletAdmin):
    manager_may = frozenset({"view", "change"})
    list_display = ("id", "url", "is_active", "disabled_at", "failing_since", "last_error")
    list_filter = ("outlet", "is_active")
    fields = (
        "outlet",
        "url",
        "event_types",
        "is_active",
        "disabled_at",
        "failing_since",
        "head_attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
    )
    readonly_fields = (
        "url",
        "event_types",
        "failing_since",
        "head_attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
    )

    def save_model(self, request, obj, form, change):
        if "disabled_at" in form.changed_data and obj.disabled_at is None:
            # resumed by hand: the head event is tried again now, with a fresh 24 h
            obj.failing_since = None
            obj.head_attempts = 0
            obj.next_attempt_at = None
        super().save_model(request, obj, form, change)


@admin.register(m.WebhookDelivery)
class WebhookDeliveryAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "subscription", "event_id", "attempt", "status_code", "delivered", "at")
    list_filter = ("delivered",)
