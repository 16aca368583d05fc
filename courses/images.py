"""Rendition specs the course templates use, so seeding can pre-generate them.

Keep in step with the `{% picture %}` tags in templates/courses/ and
templates/blocks/image.html (same filters, same order).
"""

from wagtail.images.models import Filter

CARD_COVER = ["format-webp", "fill-{400x225,800x450}"]
PAGE_COVER = ["format-webp", "fill-{480x270,960x540}"]
BODY_IMAGE = ["format-webp", "width-{480,800,1200}"]


def warm_renditions(image, *specs: list[str]) -> None:
    """Create the renditions now, rather than on a visitor's first request."""
    for spec in specs:
        image.get_renditions(*Filter.expand_spec(spec))
