"""Tables: list, details, status (CONTRACT 4a, docs/api.md "Tables")."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from hub.errors import TableCode
from hub.selectors import floor as selectors
from hub.services.tables import table_set_status

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers.floor import TableListQuery, TableOut, TableStatusIn
from .base import HubApiView


class TableListApi(HubApiView):
    permission = "table.read"
    paginated = True

    @extend_schema(parameters=[TableListQuery], responses=TableOut(many=True))
    def get(self, request):
        query = self.validated_query(TableListQuery)
        page, per_page = self.paging()
        tables = selectors.tables_list(
            outlet=self.outlet, status=query.get("status"), area=query.get("area")
        )
        total = tables.count()
        rows = tables[(page - 1) * per_page : page * per_page]
        return ok_page(TableOut(rows, many=True).data, page=page, per_page=per_page, total=total)


TABLE_ID = OpenApiParameter("table_id", int, OpenApiParameter.PATH, description="Table id")


class TableDetailApi(HubApiView):
    permission = "table.read"

    @extend_schema(parameters=[TABLE_ID], responses=TableOut)
    def get(self, request, table_id: int):
        return ok(TableOut(selectors.table_get(outlet=self.outlet, table_id=table_id)).data)


class TableStatusApi(HubApiView):
    permission = "table.set_status"
    error_codes = {409: [TableCode.TABLE_OCCUPIED]}

    @extend_schema(
        parameters=[TABLE_ID],
        request=TableStatusIn,
        responses=TableOut,
        examples=[
            OpenApiExample("Hold a free table", value={"status": "reserved"}, request_only=True)
        ],
    )
    def put(self, request, table_id: int):
        data = self.validated(TableStatusIn)
        table_set_status(
            table_id=table_id,
            outlet=self.outlet,
            status=data["status"],
            guests=data.get("guests"),
            by=self.staff,
        )
        return ok(TableOut(selectors.table_get(outlet=self.outlet, table_id=table_id)).data)


urlpatterns = [
    *api_path("tables", TableListApi.as_view(), "tables"),
    *api_path("tables/<int:table_id>", TableDetailApi.as_view(), "table-detail"),
    *api_path("tables/<int:table_id>/status", TableStatusApi.as_view(), "table-status"),
]
