"""Text messages (SMS): one interface, two senders.

`SMS_BACKEND` names the sender class, as `EMAIL_BACKEND` names the mail
backend: `portal.sms.ConsoleSender` in development and tests (it logs the text
and keeps it in `outbox`, as Django's locmem backend keeps `mail.outbox`),
`portal.sms.AliyunSender` in production (Aliyun's SMS service through its
official SDK, configured by `SMS_ALIYUN`, see the README).

Every message is one of `Kind`: a fixed, neutral text (no topic, no child, no
name) with named parameters. The console renders the text here, in the
recipient's language; Aliyun renders its approved template of the same kind
and language with the same parameters (`${code}`, `${time}`, `${place}`).

A sender raises `SmsError` (throttled, rejected, unavailable) and nothing else;
callers show `SMS_NOT_SENT` or `SMS_TOO_MANY`, never a 500.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SMS_NOT_SENT = _("短信暂时无法发送，请稍后再试。")
SMS_TOO_MANY = _("验证码发送过于频繁，请稍后再试。")


class Kind(enum.StrEnum):
    CODE = "code"
    NO_ACCOUNT = "no_account"
    ACCOUNT_EXISTS = "account_exists"
    REMINDER = "reminder"
    CALLBACK = "callback"


# The console's texts; Aliyun's templates of each kind say the same.
TEXTS = {
    Kind.CODE: _("【未愛小屋】验证码 %(code)s，5分钟内有效，请勿告诉他人。"),
    Kind.NO_ACCOUNT: _("【未愛小屋】此号码还没有账户。如需使用，请在网站上注册。"),
    Kind.ACCOUNT_EXISTS: _("【未愛小屋】此号码已有账户，请直接登录。"),
    Kind.REMINDER: _("【未愛小屋】提醒：您的预约在 %(time)s，地点：%(place)s。"),
    Kind.CALLBACK: _("【未愛小屋】我们已收到您的登记，工作人员会尽快给您回电。"),
}


class SmsError(Exception):
    """A message was not sent; `reason` is for the log, never for the page."""

    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class SmsThrottled(SmsError):
    """The provider's (or the carrier's) rate limit for the number was reached."""


class SmsRejected(SmsError):
    """The provider refused the message: template, signature or number."""


class SmsUnavailable(SmsError):
    """The provider did not answer in time or answered with an error."""


@dataclass(frozen=True)
class Sms:
    phone: str  # E.164
    kind: Kind
    language: str = "zh-hans"
    params: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        with translation.override(self.language):
            return str(TEXTS[self.kind]) % self.params


class BaseSender:
    def send(self, sms: Sms) -> None:
        """Deliver `sms` or raise `SmsError`."""
        raise NotImplementedError


outbox: list[Sms] = []


class ConsoleSender(BaseSender):
    """Keeps each message in `outbox` (tests read it) and logs it: in full
    with DEBUG (development), else with the number and the code masked."""

    def send(self, sms: Sms) -> None:
        outbox.append(sms)
        if settings.DEBUG:
            logger.info("SMS to %s: %s", sms.phone, sms.text)
        else:
            logger.info("SMS %s to %s", sms.kind, mask_phone(sms.phone))


class DisabledSender(BaseSender):
    """Production without SMS (DJANGO_SMS_DISABLED=1): nothing is sent."""

    def send(self, sms: Sms) -> None:
        raise SmsUnavailable("SMS switched off")


def mask_phone(phone: str) -> str:
    """+8613812345678 as +86138****5678, for logs."""
    phone = str(phone)
    return phone[:-8] + "****" + phone[-4:] if len(phone) > 8 else "****"


# Aliyun's answer codes (SendSms), by what they mean to the person waiting.
ALIYUN_THROTTLED = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "Throttling.User",
    "isv.OUT_OF_SERVICE", "isv.AMOUNT_NOT_ENOUGH",
})
ALIYUN_REJECTED = frozenset({
    "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_PARAMETERS", "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.PARAM_LENGTH_LIMIT", "isv.SMS_SIGN_ILLEGAL", "isv.DENY_IP_RANGE",
})


class AliyunSender(BaseSender):
    """Aliyun's SMS service (dysmsapi 2017-05-25) through its official SDK.

    `SMS_ALIYUN` holds the access key, the approved signature (`sign_name`),
    a template code per kind and language (`templates`, English falling back
    to Chinese), the endpoint and the timeouts in milliseconds. The SDK's own
    retries are off: a code that arrives twice is worse than a button to ask
    again.
    """

    def __init__(self, options: dict | None = None):
        self.options = options if options is not None else settings.SMS_ALIYUN

    def _client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        o = self.options
        return Client(Config(
            access_key_id=o["access_key_id"], access_key_secret=o["access_key_secret"],
            endpoint=o.get("endpoint") or "dysmsapi.aliyuncs.com",
            protocol=o.get("protocol") or "https",
            connect_timeout=int(o.get("connect_timeout_ms") or 3000),
            read_timeout=int(o.get("read_timeout_ms") or 5000),
        ))

    def template_code(self, sms: Sms) -> str:
        by_language = self.options.get("templates", {}).get(str(sms.kind), {})
        code = by_language.get(sms.language) or by_language.get("zh-hans")
        if not code:
            raise SmsRejected(f"no template configured for {sms.kind}")
        return code

    def send(self, sms: Sms) -> None:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        request = SendSmsRequest(
            phone_numbers=_aliyun_number(sms.phone),
            sign_name=self.options["sign_name"],
            template_code=self.template_code(sms),
            template_param=json.dumps(sms.params, ensure_ascii=False) if sms.params else None,
        )
        try:
            response = self._client().send_sms_with_options(
                request, RuntimeOptions(autoretry=False, max_attempts=1))
        except TeaException as exc:
            code = getattr(exc, "code", "") or ""
            raise _aliyun_error(code, str(exc)) from exc
        except (OSError, ValueError) as exc:
            raise SmsUnavailable(str(exc)) from exc
        body = response.body
        code = getattr(body, "code", None) or ""
        if code != "OK":
            raise _aliyun_error(code, getattr(body, "message", "") or "")


def _aliyun_error(code: str, message: str) -> SmsError:
    if code in ALIYUN_THROTTLED:
        return SmsThrottled(f"{code}: {message}")
    if code in ALIYUN_REJECTED:
        return SmsRejected(f"{code}: {message}")
    return SmsUnavailable(f"{code or 'no answer'}: {message}")


def _aliyun_number(phone: str) -> str:
    """Mainland numbers go without the country code, as Aliyun's domestic service expects."""
    return phone[3:] if phone.startswith("+86") else phone.lstrip("+")


def get_sender() -> BaseSender:
    return import_string(settings.SMS_BACKEND)()


def send(*, phone: str, kind: Kind, language: str = "zh-hans",
         params: dict[str, str] | None = None) -> None:
    """Send one message through `SMS_BACKEND`; raises `SmsError` when it was not sent."""
    sms = Sms(phone=str(phone), kind=kind, language=_language(language),
              params=dict(params or {}))
    try:
        get_sender().send(sms)
    except SmsError as exc:
        logger.warning("SMS %s not sent: %s", sms.kind, exc.reason)
        raise


def _language(language: str | None) -> str:
    return "en" if (language or "").startswith("en") else "zh-hans"
