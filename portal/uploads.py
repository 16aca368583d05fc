"""Hygiene for what editors and importers hand us: images and rich text.

Wagtail's image field already refuses unknown extensions, files over
WAGTAILIMAGES_MAX_UPLOAD_SIZE and images over WAGTAILIMAGES_MAX_IMAGE_PIXELS
(both set below Wagtail's defaults in settings). `HardenedImageForm`, wired in
through WAGTAILIMAGES_IMAGE_FORM_BASE, adds what the field does not check: the
decoded content must be one of the allowed raster formats (never SVG, whose
scripts run in the browser), the file must decode completely, and Pillow's own
bomb limit is held at our pixel limit so renditions of older files obey it too.
"""

from __future__ import annotations

import struct
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Content formats as Pillow names them; the extension list is in settings.
ALLOWED_IMAGE_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})

IMAGE_FORMAT_REFUSED = _("只能上传 PNG、JPEG、GIF 或 WebP 格式的图片（不接受 SVG）。")
IMAGE_DAMAGED = _("图片文件已损坏或无法完整读取，请重新导出后再上传。")
IMAGE_BOMB = _("图片像素数过大，已拒绝（可能是“解压炸弹”）。请缩小到 4000 万像素以内再上传。")


def limit_pillow_pixels() -> None:
    """Make Pillow itself refuse anything above our configured pixel limit."""
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)
    if limit:
        Image.MAX_IMAGE_PIXELS = limit


def check_image_content(f) -> None:
    """Raise ValidationError unless `f` decodes as an allowed raster image.

    Runs before Wagtail's own checks: Wagtail measures pixels by decoding the
    whole file and lets a truncated file's OSError escape as a server error.
    """
    limit_pillow_pixels()
    limit = Image.MAX_IMAGE_PIXELS
    position = f.tell() if hasattr(f, "tell") else 0
    try:
        f.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(f) as img:
                if (img.format or "").upper() not in ALLOWED_IMAGE_FORMATS:
                    raise ValidationError(IMAGE_FORMAT_REFUSED, code="image_format")
                width, height = img.size
                if limit and width * height * getattr(img, "n_frames", 1) > limit:
                    raise ValidationError(IMAGE_BOMB, code="too_many_pixels")
                img.verify()
            # verify() checks structure only; decoding every pixel (bounded by
            # the limit above) catches truncated data.
            f.seek(0)
            with Image.open(f) as img:
                img.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError(IMAGE_BOMB, code="decompression_bomb") from exc
    except ValidationError:
        raise
    except Image.UnidentifiedImageError as exc:
        raise ValidationError(IMAGE_FORMAT_REFUSED, code="image_format") from exc
    except (OSError, SyntaxError, ValueError, struct.error) as exc:
        raise ValidationError(IMAGE_DAMAGED, code="image_damaged") from exc
    finally:
        f.seek(position)


class HardenedImageField(WagtailImageField):
    def to_python(self, data):
        size = getattr(data, "size", None)
        if (hasattr(data, "read") and size is not None
                and (self.max_upload_size is None or size <= self.max_upload_size)):
            check_image_content(data)
        return super().to_python(data)


class HardenedImageForm(BaseImageForm):
    """Wagtail's image form whose file field checks content first (see above)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        old = self.fields.get("file")
        if old is not None and not isinstance(old, HardenedImageField):
            field = HardenedImageField(
                label=old.label, help_text=old.help_text, required=old.required,
                widget=old.widget,
            )
            field.widget.attrs.update(old.widget.attrs)
            self.fields["file"] = field


def clean_rich_text(html: str, *, features: list[str] | None = None) -> str:
    """Rich text from code or imports, filtered exactly as the editor would.

    Scripts, event handlers, `javascript:` links and elements outside
    `features` are dropped.
    """
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    return EditorHTMLConverter(features=features).whitelister.clean(html)
