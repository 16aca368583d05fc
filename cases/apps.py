from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("一户一档")

    def ready(self):
        from cases import encryption
        from cases.privacy import CasesPrivacy
        from cases.templatetags import case_learning
        from portal import privacy_registry, sections

        encryption.connect()
        privacy_registry.register(CasesPrivacy())
        sections.register("account_recommended_learning",
                          case_learning.render_account_recommended)
