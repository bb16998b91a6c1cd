"""Shifts and the cash drawer over REST (CONTRACT 14; docs/api.md "Shifts").

Thin: validate, call hub.services.shifts, shape the answer.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import PrintingCode, RequestCode, ShiftCode
from hub.services import shifts as services

from ..envelope import ok
from ..routes import api_path
from ..serializers import shifts as io
from ..serializers.printing import PrintJobOut
from .base import HubApiView


class ShiftOpenApi(HubApiView):
    permission = "shift.open"
    error_codes = {409: [ShiftCode.SHIFT_OPEN]}

    @extend_schema(
        request=io.ShiftOpenIn,
        responses={201: io.ShiftOut},
        summary="Open the outlet's shift with the cash in the drawer",
        examples=[
            OpenApiExample("A float of 2000", value={"opening_float": 2000}, request_only=True)
        ],
    )
    def post(self, request):
        data = self.validated(io.ShiftOpenIn)
        shift = services.shift_open(
            outlet=self.outlet, by=self.staff, opening_float=data["opening_float"]
        )
        return ok(io.ShiftOut(shift).data, status=201)


class ShiftCurrentApi(HubApiView):
    permission = "shift.read"
    error_codes = {404: [RequestCode.NOT_FOUND]}  # no shift open

    @extend_schema(responses=io.ShiftOut, summary="The open shift (404 when none is open)")
    def get(self, request):
        return ok(io.ShiftOut(services.shift_current(outlet=self.outlet)).data)


class CashMovementApi(HubApiView):
    permission = "shift.cash_movement"
    error_codes = {409: [ShiftCode.NO_OPEN_SHIFT]}

    @extend_schema(
        request=io.CashMovementIn,
        responses={201: io.CashMovementOut},
        summary="Cash put into or taken out of the open shift's drawer",
        examples=[
            OpenApiExample(
                "Paid out for milk",
                value={"kind": "paid_out", "amount": 120.00, "reason": "Milk from the dairy"},
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.validated(io.CashMovementIn)
        movement = services.cash_movement_record(
            outlet=self.outlet,
            by=self.staff,
            kind=data["kind"],
            amount=data["amount"],
            reason=data["reason"],
        )
        return ok(io.CashMovementOut(movement).data, status=201)


class XReportApi(HubApiView):
    permission = "shift.read"
    error_codes = {404: [RequestCode.NOT_FOUND]}  # no shift open

    @extend_schema(
        responses=io.ShiftReportOut,
        summary="The open shift's report so far (changes nothing; 404 when none is open)",
    )
    def get(self, request):
        return ok(io.ShiftReportOut(services.shift_x_report(outlet=self.outlet)).data)


class ShiftCloseApi(HubApiView):
    permission = "shift.close"
    error_codes = {409: [ShiftCode.NO_OPEN_SHIFT]}

    @extend_schema(
        request=io.ShiftCloseIn,
        responses=io.ShiftReportOut,
        summary="Close the open shift with the counted cash; answers its Z report",
        examples=[
            OpenApiExample("Counted 2450.50", value={"counted_cash": 2450.50}, request_only=True)
        ],
    )
    def post(self, request):
        data = self.validated(io.ShiftCloseIn)
        report = services.shift_close(
            outlet=self.outlet, by=self.staff, counted_cash=data["counted_cash"]
        )
        return ok(io.ShiftReportOut(report).data)


class ShiftReportApi(HubApiView):
    permission = "shift.read"

    @extend_schema(
        responses=io.ShiftReportOut,
        summary="A shift's report: the Z report as frozen at its close (X while still open)",
    )
    def get(self, request, shift_id: int):
        report = services.shift_report(outlet=self.outlet, shift_id=shift_id)
        return ok(io.ShiftReportOut(report).data)


class ShiftPrintReportApi(HubApiView):
    permission = "shift.print"
    error_codes = {409: [PrintingCode.NO_PRINTER]}

    @extend_schema(
        request=None,
        responses={201: PrintJobOut},
        summary="Print the shift's report on the receipt printer (copies: REPRINT n)",
    )
    def post(self, request, shift_id: int):
        job = services.shift_report_print(outlet=self.outlet, shift_id=shift_id, by=self.staff)
        return ok(PrintJobOut(job).data, status=201)


urlpatterns = [
    *api_path("shifts/open", ShiftOpenApi.as_view(), "shift-open"),
    *api_path("shifts/current", ShiftCurrentApi.as_view(), "shift-current"),
    *api_path("shifts/current/cash-movements", CashMovementApi.as_view(), "shift-cash-movements"),
    *api_path("shifts/current/x-report", XReportApi.as_view(), "shift-x-report"),
    *api_path("shifts/current/close", ShiftCloseApi.as_view(), "shift-close"),
    *api_path("shifts/<int:shift_id>/report", ShiftReportApi.as_view(), "shift-report"),
    *api_path(
        "shifts/<int:shift_id>/print-report", ShiftPrintReportApi.as_view(), "shift-print-report"
    ),
]
