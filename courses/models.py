"""Training modules. `Topic` is the programme theme that bookings also use."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Topic(TranslatableMixin, index.Indexed, models.Model):
    """One of the programme's five themes (心理危机干预, 积极生命教育, …)."""

    name = models.CharField(_("名称"), max_length=40)
    slug = models.SlugField(_("英文标识"), max_length=60)
    description = models.TextField(_("简介"), blank=True)
    icon = models.CharField(
        _("图标"), max_length=8, blank=True, help_text=_("一个表情符号或短字符。")
    )
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("图片"),
    )
    colour = models.CharField(
        _("颜色"), max_length=7, default="#2f6f6a",
        help_text=_("十六进制颜色，例如 #2f6f6a。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("icon"),
        FieldPanel("image"),
        FieldPanel("colour"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("description")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("主题")
        verbose_name_plural = _("主题")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="topic_slug_locale"),
        ]

    def __str__(self):
        return self.name
