"""GET /api/v1/schema/ (OpenAPI 3) and /api/v1/docs/ (Swagger UI), no token (CONTRACT 1).

What goes into the schema is decided in pos_api/schema.py.
"""

from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


class SchemaView(SpectacularAPIView):
    """The schema as JSON by default (CONTRACT 1); `?format=yaml` for YAML."""

    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]


class SwaggerView(SpectacularSwaggerView):
    """The live API tester; its assets are served by the hub (drf-spectacular-sidecar)."""
