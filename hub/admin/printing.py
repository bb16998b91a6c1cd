"""Printers in the admin (docs/admin.md "Printers", docs/printing.md).

"Print a test page" queues a job through hub/services/printing.py, so it takes
the same road as every ticket (queue, dispatcher or agent, retries) and a page
that comes out proves the whole path. A manager may point a printer only where
printer_target_check allows (the spool directory, device nodes, the restaurant's
network), since the hub itself writes to it. Print jobs' pages are printers/admin.py's:
they show the ticket rendered, which only printers/ can do.
"""

from __future__ import annotations

from django.contrib import admin, messages

from hub import models as m
from hub.errors import DomainError, ValidationFailed
from hub.services.printing import (
    print_job_create_test_page,
    printer_profile_check,
    printer_profiles,
    printer_target_check,
)

from .base import EDIT, OutletAdmin, manager_outlet_id


@admin.register(m.Printer)
class PrinterAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = (
        "id",
        "name",
        "outlet",
        "role",
        "connection",
        "status",
        "last_contact_at",
        "last_error",
    )
    list_filter = ("outlet", "role", "connection", "status")
    fields = (
        "outlet",
        "name",
        "role",
        "connection",
        "address",
        "paper_width_mm",
        "profile",
        "codepage",
        "status",
        "last_contact_at",
        "last_error",
    )
    # Written by the dispatcher and the agents, from what the printer did.
    readonly_fields = ("status", "last_contact_at", "last_error")
    actions = ["print_test_page"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "profile":  # python-escpos's printer profiles, by model
            from django import forms

            return forms.ChoiceField(
                choices=printer_profiles(),
                initial=db_field.default,
                help_text=db_field.help_text,
                label="Profile",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ProfilePrinterForm(form):
            def clean(self):
                data = super().clean()
                if "profile" in data and "codepage" in data:
                    try:
                        printer_profile_check(profile=data["profile"], codepage=data["codepage"])
                    except ValidationFailed as exc:
                        for field, errors in (exc.fields or {}).items():
                            self.add_error(field, errors)
                return data

        form = ProfilePrinterForm
        if manager_outlet_id(request) is None:
            return form

        class ManagerPrinterForm(form):
            def clean(self):
                data = super().clean()
                moved = {"connection", "address"} & set(self.changed_data)
                if (obj is None or moved) and "connection" in data:
                    try:
                        printer_target_check(
                            connection=data["connection"], address=data.get("address", "")
                        )
                    except ValidationFailed as exc:
                        for field, errors in (exc.fields or {}).items():
                            self.add_error(field, errors)
                return data

        return ManagerPrinterForm

    @admin.action(description="Print a test page", permissions=["change"])
    def print_test_page(self, request, queryset):
        # get_queryset already cut the selection to the manager's outlet
        for printer in queryset.order_by("id"):
            try:
                job = print_job_create_test_page(
                    printer_id=printer.pk, outlet=printer.outlet_id, by=request.user
                )
            except DomainError as exc:
                self.message_user(request, f"{printer.name}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"Test page queued for {printer.name} (print job {job.pk}); "
                "its status shows here once the printer answers.",
                messages.SUCCESS,
            )
