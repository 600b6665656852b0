"""Curation of the library in the Django admin, one module per concern.

The editorial workflow every entry shares (buttons, bulk actions, the state
URL) is ``editorial``; the admins of each kind of row follow the models'
modules. Importing this package registers them all.
"""

from django.contrib import admin

from initiatives.admin import curation, directory, library, places, platform

admin.site.site_header = "PCC early intervention practice library: curation"
admin.site.site_title = "Practice library curation"
admin.site.index_title = "Curate the library"

__all__ = ["curation", "directory", "library", "places", "platform"]
