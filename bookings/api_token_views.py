"""Personal API tokens on the account page: create (secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings.views.common import or_404
from portal import tokens


def _section_url() -> str:
    return reverse("portal:account") + "#api-tokens"


@never_cache
@login_required
@require_POST
def api_token_create(request):
    try:
        token, secret = tokens.api_token_create(user=request.user,
                                                name=request.POST.get("name", ""))
    except tokens.TokenError as exc:
        messages.error(request, exc.message)
        return redirect(_section_url())
    # Rendered, not redirected: the plain secret exists only in this response.
    return render(request, "bookings/api_token_created.html",
                  {"token": token, "secret": secret, "back_url": _section_url()})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    or_404(tokens.api_token_revoke, user=request.user, token_id=pk)
    messages.success(request, _("令牌已撤销，使用它的程序将无法再访问你的账户。"))
    return redirect(_section_url())
