"""The admin: the back office for managers and support (docs/admin.md).

A manager signs in at /admin/ and works on their own outlet only; superusers see
everything. hub/admin_site.py decides who may enter, base.py what a manager may
do per model and how rows are scoped to the outlet. One module per area registers
its ModelAdmins; saves whose changes screens must hear about go through
hub/services (menu items), so they record their events like the API does.
"""

from . import integrations, menu, outlet, printing, records, staff  # noqa: F401 - they register the models
