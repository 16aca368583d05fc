"""The Aliyun sender against a fake Aliyun on loopback (never the internet)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from portal import sms

TEMPLATES = {"code": {"zh-hans": "SMS_100001", "en": "SMS_100002"},
             "reminder": {"zh-hans": "SMS_100003"}}


class FakeAliyun(BaseHTTPRequestHandler):
    answer: dict = {}
    delay = 0.0
    seen: list

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self.seen.append({"action": self.headers.get("x-acs-action"),
                          "signed": self.headers.get("authorization", ""), **query})
        time.sleep(self.delay)
        body = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json;charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def aliyun(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    handler = type("Handler", (FakeAliyun,), {"seen": [], "answer": {}, "delay": 0.0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, server.server_address[1]
    server.shutdown()
    server.server_close()


def _sender(port, **options):
    return sms.AliyunSender({
        "access_key_id": "test-key-id", "access_key_secret": "test-key-secret",
        "sign_name": "未愛小屋", "endpoint": f"127.0.0.1:{port}", "protocol": "http",
        "connect_timeout_ms": 500, "read_timeout_ms": 500, "templates": TEMPLATES,
        **options,
    })


CODE_SMS = sms.Sms(phone="+8613812345678", kind=sms.Kind.CODE, params={"code": "482913"})


def test_a_sent_message_carries_the_number_signature_template_and_code(aliyun):
    handler, port = aliyun
    handler.answer = {"Code": "OK", "Message": "OK", "BizId": "9006197469364984",
                      "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
    _sender(port).send(CODE_SMS)
    [request] = handler.seen
    assert request["action"] == "SendSms"
    assert request["PhoneNumbers"] == "13812345678"
    assert request["SignName"] == "未愛小屋"
    assert request["TemplateCode"] == "SMS_100001"
    assert json.loads(request["TemplateParam"]) == {"code": "482913"}
    assert "test-key-id" in request["signed"]  # signed with the access key


def test_english_recipients_get_the_english_template_or_the_chinese_one(aliyun):
    handler, port = aliyun
    handler.answer = {"Code": "OK", "Message": "OK"}
    sender = _sender(port)
    sender.send(sms.Sms(phone="+8613812345678", kind=sms.Kind.CODE, language="en",
                        params={"code": "1"}))
    sender.send(sms.Sms(phone="+8613812345678", kind=sms.Kind.REMINDER, language="en",
                        params={"time": "3月2日 10:00", "place": "街道未保站"}))
    assert [r["TemplateCode"] for r in handler.seen] == ["SMS_100002", "SMS_100003"]


def test_the_carriers_rate_limit_is_a_throttled_error(aliyun):
    handler, port = aliyun
    handler.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"}
    with pytest.raises(sms.SmsThrottled, match="isv.BUSINESS_LIMIT_CONTROL"):
        _sender(port).send(CODE_SMS)


def test_a_template_aliyun_has_not_approved_is_a_rejected_error(aliyun):
    handler, port = aliyun
    handler.answer = {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}
    with pytest.raises(sms.SmsRejected, match="isv.SMS_TEMPLATE_ILLEGAL"):
        _sender(port).send(CODE_SMS)


def test_no_answer_within_the_read_timeout_is_an_unavailable_error(aliyun):
    handler, port = aliyun
    handler.answer = {"Code": "OK"}
    handler.delay = 1.5
    started = time.monotonic()
    with pytest.raises(sms.SmsUnavailable):
        _sender(port, read_timeout_ms=300).send(CODE_SMS)
    assert time.monotonic() - started < 1.4  # gave up, no retry
    assert len(handler.seen) == 1


def test_a_closed_port_is_an_unavailable_error(aliyun):
    _handler, port = aliyun
    with pytest.raises(sms.SmsUnavailable):
        _sender(1).send(CODE_SMS)


def test_a_kind_without_a_template_is_refused_before_any_request(aliyun):
    handler, port = aliyun
    with pytest.raises(sms.SmsRejected):
        _sender(port).send(sms.Sms(phone="+8613812345678", kind=sms.Kind.CALLBACK))
    assert handler.seen == []
