from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("一户一档")

    def ready(self):
        from cases import encryption
        from cases.models import CasePlan, Goal, Household
        from cases.privacy import CasesPrivacy
        from cases.selectors import FAMILY_LINKS
        from cases.templatetags import case_learning
        from portal import cache as caching
        from portal import privacy_registry, sections

        encryption.connect()
        caching.connect([caching.Retire(model, (FAMILY_LINKS,))
                         for model in (Household, CasePlan, Goal)])
        privacy_registry.register(CasesPrivacy())
        sections.register("account_recommended_learning",
                          case_learning.render_account_recommended)
