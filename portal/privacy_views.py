"""Privacy pages: consents, export, erasure, and the coordinators' access log."""

from __future__ import annotations

from http import HTTPStatus

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import privacy, privacy_registry
from portal.access import log_access
from portal.errors import or_404
from portal.models import AccessLog, Consent, DataExport
from portal.roles import role_required

ACCESS_LOG_PAGE_SIZE = 50


class EraseForm(forms.Form):
    password = forms.CharField(label=_("当前密码"), widget=forms.PasswordInput,
                               strip=False, max_length=256)
    confirm = forms.BooleanField(
        label=_("我了解：注销后账户、孩子资料、同意记录和预约登记信息都会被删除，无法恢复。"),
        required=True, error_messages={"required": privacy.ERASE_NOT_CONFIRMED},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(privacy.ERASE_WRONG_PASSWORD)
        return password


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=Consent.Kind.choices)
    child = forms.IntegerField(required=False, min_value=1, max_value=2**62)


class AccessLogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), required=False,
        choices=[("", _("全部"))] + list(AccessLog.Action.choices),
    )
    actor = forms.CharField(label=_("操作人邮箱包含"), required=False, max_length=254)
    subject = forms.IntegerField(label=_("被访问的用户编号"), required=False,
                                 min_value=1, max_value=2**62)
    since = forms.DateField(label=_("起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


def _privacy_context(user) -> dict:
    consents = list(
        Consent.objects.filter(user=user, withdrawn_at__isnull=True)
        .select_related("child").order_by("kind", "-given_at")
    )
    return {
        "active_consents": consents,
        "has_sensitive_consent": any(
            c.kind == Consent.Kind.SENSITIVE_DATA for c in consents
        ),
        "exports": list(DataExport.objects.filter(user=user)[:5]),
        "can_erase": not user.is_station_staff,
        "kept_statements": privacy_registry.statements(),
    }


@login_required
@require_GET
def index(request):
    return render(request, "portal/privacy/index.html", _privacy_context(request.user))


@login_required
@require_POST
def export_request(request):
    try:
        privacy.export_request(user=request.user)
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
    else:
        messages.success(request, _(
            "已开始生成你的数据导出。完成后我们会把下载链接发到你的邮箱，链接 7 天内有效。"
        ) if request.user.email else _(
            # A phone- or WeChat-only account: no email to send the link to.
            "已开始生成你的数据导出。完成后会列在本页“导出我的数据”下，请回来下载，7 天内有效。"
        ))
    return redirect("privacy:index")


@login_required
@require_GET
def export_download(request, token: str):
    export = or_404(privacy.export_for_download, user=request.user, token=token)
    log_access(actor=request.user, action=AccessLog.Action.EXPORT,
               subject_user_id=request.user.pk, obj=export, request=request)
    response = FileResponse(
        export.archive.open("rb"), as_attachment=True,
        filename=f"weiai-data-{export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def consent_withdraw(request):
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, privacy.CONSENT_UNKNOWN)
        return redirect("privacy:index")
    kind = form.cleaned_data["kind"]
    try:
        privacy.consent_withdraw(user=request.user, kind=kind,
                                 child_id=form.cleaned_data["child"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("privacy:index")
    if kind == Consent.Kind.PRIVACY_NOTICE:
        messages.warning(
            request,
            _("你已撤回对隐私政策的同意。没有这项同意我们无法继续提供账户服务，请确认注销账户。"),
        )
        return redirect("privacy:erase")
    if kind == Consent.Kind.SENSITIVE_DATA:
        messages.success(
            request,
            _("已撤回。你所有预约中的登记问答已删除；再次预约时需要重新同意。"
              "如果希望删除全部数据，可以注销账户。"),
        )
    else:
        messages.success(request, _("已撤回，这个孩子的资料已删除。"))
    return redirect("privacy:index")


@login_required
@require_POST
def consent_give(request):
    form = ConsentForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kind"] != Consent.Kind.SENSITIVE_DATA:
        messages.error(request, privacy.CONSENT_UNKNOWN)
        return redirect("privacy:index")
    privacy.consent_give(user=request.user, kind=Consent.Kind.SENSITIVE_DATA)
    messages.success(request, _("已记录你的同意。"))
    return redirect("privacy:index")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request):
    user = request.user
    if user.is_station_staff:
        return render(request, "portal/privacy/erase.html",
                      {"staff": True}, status=HTTPStatus.FORBIDDEN)
    form = EraseForm(request.POST or None, user=user)
    if request.method == "POST":
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=user)
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                privacy.account_erase(user=user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                logout(request)
                return redirect("privacy:erased")
    return render(request, "portal/privacy/erase.html", {
        "form": form, "notices": privacy_registry.erasure_notices(user=user)})


@require_GET
def erased(request):
    return render(request, "portal/privacy/erased.html")


@role_required("coordinator")
@require_GET
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    entries = AccessLog.objects.all().order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        if data["subject"]:
            entries = entries.filter(subject_user_id=data["subject"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/privacy/access_log.html", {
        "form": form, "page_obj": page, "query": query.urlencode(),
    })

