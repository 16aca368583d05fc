"""Security hardening: CSP, uploads, documents, rich text, rate limits, settings."""

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from portal.settings import base as base_settings
from portal.uploads import (
    IMAGE_BOMB,
    IMAGE_DAMAGED,
    IMAGE_FORMAT_REFUSED,
    clean_rich_text,
)
from tests.factories import PASSWORD, FamilyFactory, UserFactory
from tests.trust.conftest import with_totp

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def crafted_png(width: int, height: int) -> bytes:
    """A tiny file whose header claims `width` x `height` grey pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _chunk(b"IEND", b""))


def real_png(width=8, height=8) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, site_shell):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(with_totp(user))
    return client


def _upload(client, name: str, content: bytes, content_type="image/png"):
    return client.post(reverse("wagtailimages:add"), {
        "title": "上传测试",
        "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile(name, content, content_type=content_type),
    })


# --- Uploads -----------------------------------------------------------------


def test_upload_limits_are_below_wagtails_defaults_and_refuse_svg():
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE < 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS < 128_000_000
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
    assert settings.WAGTAILIMAGES_IMAGE_FORM_BASE == "portal.uploads.HardenedImageForm"


def test_a_normal_png_is_accepted(admin_client):
    response = _upload(admin_client, "ok.png", real_png())
    assert response.status_code == HTTPStatus.FOUND
    assert Image.objects.count() == 1


def test_decompression_bomb_png_is_refused_with_a_message(admin_client):
    bomb = crafted_png(100_000, 100_000)  # 10^10 pixels in ~80 bytes
    assert len(bomb) < 200
    response = _upload(admin_client, "bomb.png", bomb)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"] == [str(IMAGE_BOMB)]
    assert Image.objects.count() == 0


def test_image_over_our_pixel_limit_but_under_pillows_is_refused(admin_client):
    response = _upload(admin_client, "big.png", crafted_png(7000, 7000))  # 49 MP
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"] == [str(IMAGE_BOMB)]
    assert Image.objects.count() == 0


@pytest.mark.parametrize(("name", "content_type"), [
    ("evil.svg", "image/svg+xml"),
    ("evil.png", "image/png"),  # SVG content behind a .png name
])
def test_svg_is_refused_whatever_its_name(admin_client, name, content_type):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = _upload(admin_client, name, svg, content_type)
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"] == [str(IMAGE_FORMAT_REFUSED)]
    assert Image.objects.count() == 0


def test_truncated_image_is_refused(admin_client):
    response = _upload(admin_client, "cut.png", real_png(64, 64)[:-30])
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["file"] == [str(IMAGE_DAMAGED)]
    assert Image.objects.count() == 0


@pytest.mark.parametrize("filename", ["guide.pdf", "notes.txt"])
def test_documents_are_served_as_downloads(client, site_shell, filename, tmp_path):
    storages = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    with override_settings(STORAGES=storages, MEDIA_ROOT=str(tmp_path)):
        doc = Document.objects.create(title="资料")
        doc.file.save(filename, ContentFile(b"%PDF-1.4 <script>alert(1)</script>"))
        response = client.get(doc.url)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_rich_text_from_code_is_sanitised():
    dirty = ('<p onclick="steal()">你好<script>alert(1)</script>'
             '<a href="javascript:alert(1)">点我</a><img src="x" onerror="alert(1)">'
             '<iframe src="https://evil.example"></iframe><b>重要</b></p>')
    clean = clean_rich_text(dirty, features=["bold", "italic", "link"])
    assert "<script" not in clean
    assert 'href="javascript' not in clean
    assert "onclick" not in clean and "onerror" not in clean
    assert "javascript:" not in clean
    assert "<iframe" not in clean
    assert "<b>重要</b>" in clean
    assert "你好" in clean


# --- Headers ----------------------------------------------------------------


def test_csp_header_forbids_inline_scripts_and_pages_have_none(client, site_shell):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())
    assert inline == []


# --- Rate limits --------------------------------------------------------------


def test_login_is_rate_limited_after_repeated_failures(client, site_shell):
    user = FamilyFactory(email="limited@example.cn")
    url = reverse("account_login")
    with override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS):
        for _ in range(5):
            response = client.post(url, {"login": user.email, "password": "wrong-1234"})
            assert response.status_code == HTTPStatus.OK
            assert "_auth_user_id" not in client.session
        response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS)
    if response.status_code == HTTPStatus.OK:
        assert response.context["form"].errors


def test_the_same_login_succeeds_without_prior_failures(client, site_shell):
    user = FamilyFactory(email="fine@example.cn")
    with override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS):
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_rate_limits_use_the_shared_redis_cache_when_configured():
    code = ("import os;os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.base';"
            "from portal.settings import base;print(base.CACHES['default']['BACKEND'])")
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/9"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: S603
                         text=True, check=True, cwd=settings.BASE_DIR).stdout.strip()
    assert out == "django_redis.cache.RedisCache"
    assert {"login", "login_failed", "signup", "reset_password"} <= set(
        base_settings.ACCOUNT_RATE_LIMITS)



def _walk(block, seen=None):
    """`block` and every block reachable from it (struct, list, stream children)."""
    seen = seen if seen is not None else set()
    if id(block) in seen:
        return
    seen.add(id(block))
    yield block
    children = list(getattr(block, "child_blocks", {}).values())
    if getattr(block, "child_block", None) is not None:
        children.append(block.child_block)
    for child in children:
        yield from _walk(child, seen)


def test_no_raw_html_blocks_and_every_rich_text_has_a_feature_list():
    """Editors cannot inject scripts: no RawHTMLBlock anywhere, and every rich
    text field or block names its features (the editor's whitelist) rather
    than taking Wagtail's open default."""
    from django.apps import apps
    from wagtail.blocks import RawHTMLBlock, RichTextBlock
    from wagtail.fields import RichTextField, StreamField

    stream_fields = rich_texts = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, RichTextField):
                rich_texts += 1
                assert field.features, (model, field.name)
            if isinstance(field, StreamField):
                stream_fields += 1
                for block in _walk(field.stream_block):
                    assert not isinstance(block, RawHTMLBlock), (model, field.name)
                    if isinstance(block, RichTextBlock):
                        rich_texts += 1
                        assert block.features, (model, field.name, block.name)
    assert stream_fields >= 1 and rich_texts >= 2
