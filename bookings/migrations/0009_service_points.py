"""Session types, workshops and counsellors' hours name a service point; a
closure may apply to one point (issue 13).

The data step maps each session type's and workshop's place text
(``location`` / ``location_en``) to a point:

* a point whose Chinese or English name equals the text, else
* a point whose name the text contains, or which contains the text (the
  longest such name wins, so "阅读基地二楼" maps to "亲子阅读基地" rather
  than to a shorter name it also holds);
* where no point matches, the row keeps no point and its text stays what
  families see, bookable as before. (Making a hidden point for it would make
  every such service unbookable at once while its times were still offered;
  on a fresh deploy no point exists yet, so that would be every service.)
  A coordinator links the point once it is entered.

The text columns stay, as the fallback shown where no point is set.
Reversing clears only the points this step would set (a row whose text maps
to the point it names), so a point chosen by hand later is kept.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def _match(points, text: str, text_en: str):
    text, text_en = text.strip(), text_en.strip()
    for point in points:
        if (text and text in (point.name, point.name_en)) or (
            text_en and text_en in (point.name, point.name_en)
        ):
            return point
    best = None
    for point in points:
        names = [n for n in (point.name, point.name_en) if n]
        for candidate in (text, text_en):
            if not candidate:
                continue
            for name in names:
                contained = name in candidate or candidate in name
                if contained and (best is None or len(name) > len(best[1])):
                    best = (point, name)
    return best[0] if best else None


def point_for_text(apps, text: str, text_en: str = "", *, cache=None):
    """The point a place text names, or None (an empty text, or no point
    matches). ``cache``: a list of points already read."""
    ServicePoint = apps.get_model("network", "ServicePoint")
    if not (text or "").strip() and not (text_en or "").strip():
        return None
    points = cache if cache is not None else list(ServicePoint.objects.all())
    return _match(points, text or "", text_en or "")


def map_locations(apps, schema_editor):
    ServicePoint = apps.get_model("network", "ServicePoint")
    points = list(ServicePoint.objects.all())
    for model_name in ("SessionType", "GroupSession"):
        model = apps.get_model("bookings", model_name)
        rows = model.objects.filter(point__isnull=True).exclude(
            Q(location="") & Q(location_en="")
        )
        for row in rows:
            point = point_for_text(apps, row.location, row.location_en, cache=points)
            if point is not None:
                model.objects.filter(pk=row.pk).update(point=point)


def unmap_locations(apps, schema_editor):
    ServicePoint = apps.get_model("network", "ServicePoint")
    points = list(ServicePoint.objects.all())
    for model_name in ("SessionType", "GroupSession"):
        model = apps.get_model("bookings", model_name)
        for row in model.objects.filter(point__isnull=False).exclude(
                Q(location="") & Q(location_en="")):
            mapped = point_for_text(apps, row.location, row.location_en, cache=points)
            if mapped is not None and mapped.pk == row.point_id:
                model.objects.filter(pk=row.pk).update(point=None)


def _point(help_text):
    return models.ForeignKey(
        blank=True,
        help_text=help_text,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="network.servicepoint",
        verbose_name="服务点",
    )


LEGACY_HELP = "旧的地点文字，已由“服务点”取代，只在没有选服务点时显示。"


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_english_fields"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessiontype",
            name="point",
            field=_point("在哪个服务点；线上或电话可留空。"),
        ),
        migrations.AddField(
            model_name="groupsession",
            name="point",
            field=_point("在哪个服务点；线上或电话可留空。"),
        ),
        migrations.AddField(
            model_name="availabilityrule",
            name="point",
            field=_point("咨询师在哪个服务点接待；只做线上或电话时可留空。"),
        ),
        migrations.AddField(
            model_name="stationclosure",
            name="point",
            field=_point("只在这个服务点闭馆；留空表示全站闭馆。"),
        ),
        migrations.AlterField(
            model_name="sessiontype",
            name="location",
            field=models.CharField(
                blank=True, help_text=LEGACY_HELP, max_length=200, verbose_name="地点"
            ),
        ),
        migrations.AlterField(
            model_name="sessiontype",
            name="location_en",
            field=models.CharField(
                blank=True,
                help_text=LEGACY_HELP,
                max_length=240,
                verbose_name="英文地点",
            ),
        ),
        migrations.AlterField(
            model_name="groupsession",
            name="location",
            field=models.CharField(
                blank=True, help_text=LEGACY_HELP, max_length=200, verbose_name="地点"
            ),
        ),
        migrations.AlterField(
            model_name="groupsession",
            name="location_en",
            field=models.CharField(
                blank=True,
                help_text=LEGACY_HELP,
                max_length=240,
                verbose_name="英文地点",
            ),
        ),
        migrations.RunPython(map_locations, unmap_locations),
    ]
