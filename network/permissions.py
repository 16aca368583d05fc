"""Who sees which service point, and who edits them: written once.

* Families (and every public page) see a point only while it is active and
  has weekly opening hours: a point without hours cannot tell a family when
  to come (`ServicePointQuerySet.for_families`).
* Coordinators and editors maintain points, their hours and the
  neighbourhoods in the Wagtail admin (the snippets in
  `network.wagtail_hooks`); the role groups get this app's permissions from
  `portal.roles.ROLE_PERMISSIONS` ("network.*", deletes excluded).

`network.models` sets the queryset as the point model's manager, so this
module imports no model at import time.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef


class ServicePointQuerySet(models.QuerySet):
    def with_hours(self) -> ServicePointQuerySet:
        """Points with at least one weekly opening-hours row."""
        hours = self.model._meta.get_field("hours").related_model
        return self.filter(Exists(hours.objects.filter(point=OuterRef("pk"))))

    def for_families(self) -> ServicePointQuerySet:
        """What a family may see: active points that have opening hours."""
        return self.filter(is_active=True).with_hours()
