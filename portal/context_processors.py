from django.conf import settings

from portal.crisis import crisis_lines


def site_shell(request):
    """Crisis lines and languages for every template (cached, no per-request query)."""
    return {
        "crisis_lines": crisis_lines(),
        "SITE_BASE_URL": settings.SITE_BASE_URL,
    }
