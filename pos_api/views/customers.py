"""Customers: search, details, create (docs/api.md "Customers")."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from hub.errors import CustomerCode
from hub.selectors import customers as selectors
from hub.services.customers import customer_create

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers.customers import (
    CustomerDetailOut,
    CustomerIn,
    CustomerOut,
    CustomerSearchQuery,
    customer_detail_data,
)
from .base import HubApiView


class CustomerListApi(HubApiView):
    permission = {"GET": "customer.search", "POST": "customer.create"}
    paginated = {"GET": True}
    error_codes = {"POST": {409: [CustomerCode.CUSTOMER_EXISTS]}}

    @extend_schema(parameters=[CustomerSearchQuery], responses=CustomerOut(many=True))
    def get(self, request):
        query = self.validated_query(CustomerSearchQuery)
        page, per_page = self.paging()
        customers = selectors.customers_search(outlet=self.outlet, query=query.get("search", ""))
        total = customers.count()
        rows = customers[(page - 1) * per_page : page * per_page]
        return ok_page(CustomerOut(rows, many=True).data, page=page, per_page=per_page, total=total)

    @extend_schema(
        request=CustomerIn,
        responses={201: CustomerDetailOut},
        examples=[
            OpenApiExample(
                "A new guest",
                value={
                    "name": "Neha Verma",
                    "phone": "+91 98111 22334",
                    "email": "neha.verma@example.com",
                    "address": "12 MG Road, Bengaluru",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = self.validated(CustomerIn)
        customer = customer_create(outlet=self.outlet, by=self.staff, **data)
        detail = selectors.customer_detail(outlet=self.outlet, customer_id=customer.pk)
        return ok(customer_detail_data(detail), status=201)


class CustomerDetailApi(HubApiView):
    permission = "customer.read"

    @extend_schema(
        parameters=[OpenApiParameter("customer_id", int, OpenApiParameter.PATH)],
        responses=CustomerDetailOut,
    )
    def get(self, request, customer_id: int):
        detail = selectors.customer_detail(
            outlet=self.outlet, customer_id=customer_id, staff=self.staff
        )
        return ok(customer_detail_data(detail))


urlpatterns = [
    *api_path("customers", CustomerListApi.as_view(), "customers"),
    *api_path("customers/<int:customer_id>", CustomerDetailApi.as_view(), "customer-detail"),
]
