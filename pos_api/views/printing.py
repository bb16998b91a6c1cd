"""Print endpoints and the printer list (CONTRACT 4a, 7; docs/printing.md, docs/api.md "Printing").

Each print endpoint queues a job in the request's transaction and answers at
once (201 with the job); the printer being off never delays or fails it.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import PrintingCode
from hub.selectors import printing as selectors
from hub.services import printing as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers.printing import (
    BillPrintJobOut,
    InvoicePrintJobOut,
    PrintBillIn,
    PrinterOut,
    PrintJobOut,
)
from .base import HubApiView

KOT_PRINT_REFUSALS = {409: [PrintingCode.NO_PRINTER]}
BILL_PRINT_REFUSALS = {409: [PrintingCode.NO_PRINTER, PrintingCode.ORDER_CANCELLED]}
INVOICE_PRINT_REFUSALS = {
    409: [PrintingCode.NO_PRINTER, PrintingCode.ORDER_CANCELLED, PrintingCode.ORDER_NOT_BILLED]
}


def _job_response(job, serializer=PrintJobOut):
    created = getattr(job, "created_now", True)
    return ok(serializer(job).data, status=201 if created else 200)


class KotPrintApi(HubApiView):
    permission = "kot.print"
    error_codes = KOT_PRINT_REFUSALS

    @extend_schema(
        request=None,
        responses={201: PrintJobOut, 200: PrintJobOut},
        summary="Print a KOT on its kitchen's printer",
        description="201 with the new job; 200 with the earlier job when this KOT's "
        "first print is already queued or printed (use reprint to print again).",
    )
    def post(self, request, kot_id: int):
        kot = selectors.kot_get(outlet=self.outlet, kot_id=kot_id)
        return _job_response(services.print_job_create_for_kot(kot=kot, by=self.staff))


class KotReprintApi(HubApiView):
    permission = "kot.print"
    error_codes = KOT_PRINT_REFUSALS

    @extend_schema(
        request=None,
        responses={201: PrintJobOut},
        summary="Reprint a KOT, marked REPRINT n",
    )
    def post(self, request, kot_id: int):
        kot = selectors.kot_get(outlet=self.outlet, kot_id=kot_id)
        return _job_response(
            services.print_job_create_for_kot(kot=kot, by=self.staff, reprint=True)
        )


class OrderPrintBillApi(HubApiView):
    permission = "bill.print"
    error_codes = BILL_PRINT_REFUSALS

    @extend_schema(
        request=PrintBillIn,
        responses={201: BillPrintJobOut},
        summary="Print the bill on the outlet's receipt printer (or one check of it)",
        examples=[OpenApiExample("The whole bill", value={}, request_only=True)],
    )
    def post(self, request, order_id: int):
        data = self.validated(PrintBillIn)
        order = selectors.order_get(outlet=self.outlet, order_id=order_id)
        job = services.print_job_create_for_bill(
            order=order, by=self.staff, check_id=data.get("check_id")
        )
        return _job_response(job, BillPrintJobOut)


class OrderPrintInvoiceApi(HubApiView):
    permission = "invoice.print"
    error_codes = INVOICE_PRINT_REFUSALS

    @extend_schema(
        request=None,
        responses={201: InvoicePrintJobOut},
        summary="Print the tax invoice (the number is issued on the first call)",
    )
    def post(self, request, order_id: int):
        order = selectors.order_get(outlet=self.outlet, order_id=order_id)
        job = services.print_job_create_for_invoice(order=order, by=self.staff)
        return _job_response(job, InvoicePrintJobOut)


class PrinterListApi(HubApiView):
    permission = "printer.read"
    paginated = True

    @extend_schema(
        responses=PrinterOut(many=True), summary="The outlet's printers and their status"
    )
    def get(self, request):
        page, per_page = self.paging()
        printers = selectors.printers_for_outlet(outlet=self.outlet)
        total = printers.count()
        rows = printers[(page - 1) * per_page : page * per_page]
        return ok_page(PrinterOut(rows, many=True).data, page=page, per_page=per_page, total=total)


urlpatterns = [
    *api_path("kot/<int:kot_id>/print", KotPrintApi.as_view(), "kot-print"),
    *api_path("kot/<int:kot_id>/reprint", KotReprintApi.as_view(), "kot-reprint"),
    *api_path("orders/<int:order_id>/print-bill", OrderPrintBillApi.as_view(), "order-print-bill"),
    *api_path(
        "orders/<int:order_id>/print-invoice", OrderPrintInvoiceApi.as_view(), "order-print-invoice"
    ),
    *api_path("printers", PrinterListApi.as_view(), "printers"),
]
