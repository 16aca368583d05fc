from django.conf import settings

from portal.crisis import crisis_lines, immediate_lines, other_lines, station_details


def site_shell(request):
    """Crisis lines, the station's contact and languages for every template
    (cached, no per-request query).

    ``crisis_now``: the 24-hour lines, for every "call now" (120 and 110 first);
    ``crisis_other``: lines with limited hours, always shown with their hours.
    """
    lines = crisis_lines()
    return {
        "crisis_lines": lines,
        "crisis_now": immediate_lines(lines),
        "crisis_other": other_lines(lines),
        "station": station_details(),
        "SITE_BASE_URL": settings.SITE_BASE_URL,
        "PHONE_SIGNIN_ENABLED": settings.PHONE_SIGNIN_ENABLED,
    }
