"""Reports over REST: sales, GST, the audit register (CONTRACT 15; docs/api.md "Reports").

Managers only. Each answers JSON, or with `?format=csv` text/csv: a header row, then
the same rows and figures (the sales and GST totals as a last row named `TOTAL`).
"""

from __future__ import annotations

import csv
import io as stdio
import json

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer

from hub.selectors import reports as selectors
from hub.services.clock import outlet_today, outlet_zone

from ..envelope import ok
from ..routes import api_path
from ..serializers import reports as io
from .base import HubApiView


class CsvRenderer(BaseRenderer):
    """Lets `?format=csv` through DRF's negotiation; the views write the CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def csv_response(name: str, header: list[str], rows: list[list]) -> HttpResponse:
    out = stdio.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


class ReportApiView(HubApiView):
    permission = "report.read"
    renderer_classes = [JSONRenderer, CsvRenderer]

    def perform_content_negotiation(self, request, force=False):
        # an unknown ?format= is the query's 400 (format: json or csv), not DRF's 404
        return super().perform_content_negotiation(request, force=True)

    def finalize_response(self, request, response, *args, **kwargs):
        # errors are the JSON envelope whatever format was asked for
        if getattr(response, "status_code", 200) >= 400 and hasattr(response, "data"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def range(self, serializer) -> dict:
        """The query, with `from` and `to` defaulting to each other, else to the
        outlet's business day today."""
        query = self.validated_query(serializer)
        day = query.get("from") or query.get("to") or outlet_today(self.outlet)
        query.setdefault("from", query.get("to", day))
        query.setdefault("to", query["from"])
        return query

    @property
    def wants_csv(self) -> bool:
        return self.request.query_params.get("format") == "csv"


class SalesReportApi(ReportApiView):
    @extend_schema(
        parameters=[io.SalesQuery],
        responses=io.SalesReportOut,
        summary="Sales of the paid orders of a range of business days, grouped",
    )
    def get(self, request):
        query = self.range(io.SalesQuery)
        report = selectors.sales_report(
            outlet=self.outlet,
            zone=outlet_zone(self.outlet),
            date_from=query["from"],
            date_to=query["to"],
            group_by=query["group_by"],
        )
        data = io.SalesReportOut(report).data
        if not self.wants_csv:
            return ok(data)
        columns = ["key", "name", "quantity", "orders", *selectors.FIGURES]
        rows = [[r[c] for c in columns] for r in data["rows"]]
        rows.append(["TOTAL", "", *[data["totals"][c] for c in columns[2:]]])
        return csv_response(
            f"sales-{query['group_by']}-{query['from']}-{query['to']}", columns, rows
        )


class GstReportApi(ReportApiView):
    @extend_schema(
        parameters=[io.GstQuery],
        responses=io.GstReportOut,
        summary="Tax per component and rate of the invoices issued in a range of days",
    )
    def get(self, request):
        query = self.range(io.GstQuery)
        report = selectors.gst_report(
            outlet=self.outlet, date_from=query["from"], date_to=query["to"]
        )
        data = io.GstReportOut(report).data
        if not self.wants_csv:
            return ok(data)
        columns = ["tax", "rate", "invoices", "taxable_value", "amount"]
        rows = [[r[c] for c in columns] for r in data["rows"]]
        rows.append(["TOTAL", "", data["totals"]["invoices"], "", data["totals"]["amount"]])
        return csv_response(f"gst-{query['from']}-{query['to']}", columns, rows)


class AuditReportApi(ReportApiView):
    permission = "audit.read"
    paginated = True

    @extend_schema(
        parameters=[io.AuditQuery],
        responses=io.AuditReportOut,
        summary="The audit register: one row per sensitive action, newest first",
    )
    def get(self, request):
        query = self.range(io.AuditQuery)
        entries = selectors.audit_entries(
            outlet=self.outlet,
            zone=outlet_zone(self.outlet),
            date_from=query["from"],
            date_to=query["to"],
            kind=query.get("kind"),
        )
        if self.wants_csv:
            data = io.AuditReportOut({"rows": entries}).data  # every row of the range
            columns = ["id", "at", "kind", "order_id", "kot_id", "shift_id", "staff",
                       "approved_by", "reason", "amount", "before", "after"]  # fmt: skip
            rows = [
                [
                    (r[c]["name"] if r[c] else None) if c in ("staff", "approved_by") else r[c]
                    for c in columns
                ]
                for r in data["rows"]
            ]
            return csv_response(f"audit-{query['from']}-{query['to']}", columns, rows)
        page, per_page = self.paging()
        total = entries.count()
        rows = entries[(page - 1) * per_page : page * per_page]
        body = ok(io.AuditReportOut({"rows": rows}).data)
        body.data["meta"] = {"page": page, "per_page": per_page, "total": total}
        return body


urlpatterns = [
    *api_path("reports/sales", SalesReportApi.as_view(), "report-sales"),
    *api_path("reports/gst", GstReportApi.as_view(), "report-gst"),
    *api_path("reports/audit", AuditReportApi.as_view(), "report-audit"),
]
