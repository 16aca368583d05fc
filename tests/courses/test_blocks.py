"""Every block renders what a reader needs, escaped, without raw HTML."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from courses.blocks import CourseStreamBlock
from courses.text import reading_minutes, stream_text

pytestmark = pytest.mark.django_db


def _image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (200, 120, 90)).save(buffer, "PNG")
    return Image.objects.create(
        title="插图", file=ImageFile(io.BytesIO(buffer.getvalue()), name="a.png"),
        width=1200, height=800,
    )


def _document(name="清单.txt", text="□ 第一项"):
    from django.core.files.base import ContentFile

    doc = Document(title=name)
    doc.file.save(name, ContentFile(text.encode()), save=False)
    doc.save()
    return doc


def _render(block_type, value, **context):
    stream = CourseStreamBlock()
    child = stream.child_blocks[block_type]
    return child.render(child.to_python(child.get_prep_value(value)
                                        if not isinstance(value, dict) else value),
                        context=context)


def test_no_raw_html_block_is_offered():
    assert "raw_html" not in CourseStreamBlock().child_blocks
    assert all(
        type(b).__name__ != "RawHTMLBlock" for b in CourseStreamBlock().child_blocks.values()
    )


def test_heading_block_escapes_its_text():
    html = _render("heading", {"text": "<script>x</script>标题"})
    assert "<h2" in html and "&lt;script&gt;" in html and "<script>" not in html


def test_image_block_renders_webp_srcset_with_alt_and_caption():
    block = CourseStreamBlock().child_blocks["image"]
    value = block.to_python({"image": _image().pk, "alt": "两只手捧着一颗心", "caption": "说明文字"})
    html = block.render(value)
    assert "<picture>" in html
    assert 'type="image/webp"' in html or ".webp" in html
    assert "srcset=" in html and "480w" in html and "800w" in html
    assert 'alt="两只手捧着一颗心"' in html
    assert "<figcaption>说明文字</figcaption>" in html


def test_audio_block_shows_and_offers_the_transcript():
    audio, transcript = _document("音频.mp3", "x"), _document("文字稿.txt", "慢慢吸气")
    block = CourseStreamBlock().child_blocks["audio"]
    value = block.to_python({"title": "放松呼吸", "file": audio.pk,
                             "transcript": "慢慢吸气，\n慢慢呼气。",
                             "transcript_document": transcript.pk})
    html = block.render(value)
    assert "<audio controls" in html
    assert "阅读文字稿" in html and "慢慢吸气" in html
    assert f'href="{transcript.url}" download' in html


def test_video_block_needs_an_embed_or_a_file():
    from wagtail.blocks import StructBlockValidationError

    block = CourseStreamBlock().child_blocks["video"]
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"title": "视频", "transcript": "文字稿"}))


def test_seek_help_callout_lists_the_crisis_lines(site_shell):
    from portal.crisis import crisis_lines

    block = CourseStreamBlock().child_blocks["callout"]
    value = block.to_python({"kind": "seek_help", "title": "现在就求助",
                             "text": "<p>请不要独自承受。</p>"})
    html = block.render(value, context={"crisis_lines": crisis_lines()})
    assert "请立即求助" in html and "现在就求助" in html
    for number in ("12356", "962525", "12355", "110", "120"):
        assert f'href="tel:{number}"' in html


def test_seek_help_callout_shows_each_lines_hours_and_its_own_title(site_shell):
    from portal.crisis import crisis_lines

    block = CourseStreamBlock().child_blocks["callout"]
    value = block.to_python({"kind": "seek_help", "title": "计划不能代替求助",
                             "text": "<p>撑不住时马上求助。</p>"})
    html = block.render(value, context={"crisis_lines": crisis_lines()})
    assert '<p class="callout-label">请立即求助</p>' in html
    assert '<p class="callout-title"><strong>计划不能代替求助</strong></p>' in html
    assert "请立即求助：" not in html
    assert '<strong>12355</strong></a> <span class="meta">（工作日 9:00–17:00）</span>' in html
    assert '<strong>962525</strong></a> <span class="meta">（24小时）</span>' in html


def test_get_help_callout_points_to_the_station_not_the_hotline_list(site_shell):
    from portal.crisis import crisis_lines
    from portal.models import SiteSettings

    settings = SiteSettings.objects.get()
    settings.station_phone, settings.opening_hours = "021-5555 0100", "周一至周五 9:00–17:00"
    settings.save()
    block = CourseStreamBlock().child_blocks["callout"]
    value = block.to_python({"kind": "get_help", "title": "孩子一直走不出悲伤时",
                             "text": "<p>可以找专业人员聊聊。</p>"})
    html = block.render(value, context={"crisis_lines": crisis_lines()})
    assert '<p class="callout-label">需要帮助时</p>' in html
    assert "请立即求助" not in html
    assert 'href="tel:021-5555 0100"' in html and "周一至周五 9:00–17:00" in html
    assert 'href="/bookings/"' in html
    for number in ("12356", "962525", "12355"):
        assert number not in html
    assert "如果有人此刻有危险，请拨打 110 或 120。" in html


def test_reference_block_cites_author_year_title_source_and_link():
    from courses.blocks import ReferencesBlock

    child = ReferencesBlock().child_blocks["reference"]
    html = child.render(child.to_python({
        "author": "Dazzi T, Gribble R, Wessely S, Fear NT", "year": 2014,
        "title": "Does asking about suicide <b>induce</b> suicidal ideation?",
        "source": "Psychological Medicine, 44(16), 3361–3363",
        "url": "https://doi.org/10.1017/S0033291714001299",
    }))
    assert "Dazzi T, Gribble R, Wessely S, Fear NT (2014). <cite>Does asking" in html
    assert "&lt;b&gt;induce&lt;/b&gt;" in html
    assert "Psychological Medicine, 44(16), 3361–3363." in html
    assert 'href="https://doi.org/10.1017/S0033291714001299"' in html
    undated = child.render(child.to_python({"author": "AFSP", "year": None,
                                            "title": "Warning signs", "source": "",
                                            "url": ""}))
    assert "AFSP. <cite>Warning signs</cite>." in undated and "href" not in undated


def test_tip_callout_does_not_show_hotlines():
    block = CourseStreamBlock().child_blocks["callout"]
    value = block.to_python({"kind": "tip", "title": "", "text": "<p>每天十分钟。</p>"})
    html = block.render(value, context={"crisis_lines": []})
    assert "小提示" in html and "tel:" not in html


def test_resource_block_links_the_document_for_download():
    doc = _document("家长清单.txt", "□ 一")
    block = CourseStreamBlock().child_blocks["resource"]
    html = block.render(block.to_python({"document": doc.pk, "title": "", "description": "一页纸"}))
    assert f'href="{doc.url}" download' in html and "家长清单.txt" in html
    assert "TXT" in html


def test_quiz_question_needs_a_correct_answer():
    from wagtail.blocks import StructBlockValidationError

    block = CourseStreamBlock().child_blocks["quiz"].child_blocks["questions"].child_block
    value = block.to_python({"prompt": "？", "multiple": False, "choices": [
        {"text": "甲", "correct": False, "feedback": ""},
        {"text": "乙", "correct": False, "feedback": ""}]})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_talk_to_someone_block_links_to_booking_for_the_topic():
    block = CourseStreamBlock().child_blocks["talk_to_someone"]

    class T:
        slug = "autism"

    html = block.render(block.to_python({"text": "找我们聊聊"}), context={"topic": T()})
    assert "找我们聊聊" in html and 'href="/bookings/?topic=autism"' in html


def test_reading_time_counts_chinese_characters_not_spaces():
    chinese = "孩" * 700  # one "word" to a whitespace splitter
    assert reading_minutes(chinese) == 2
    assert reading_minutes("情绪" * 100) == 1
    assert reading_minutes("word " * 400) == 2
    assert reading_minutes("孩" * 350 + " word" * 200) == 2
    assert reading_minutes("") == 0


def test_stream_text_collects_prose_and_skips_answers_flags():
    stream = CourseStreamBlock()
    value = stream.to_python([
        {"type": "paragraph", "value": "<p>亲子沟通 &amp; 倾听</p>"},
        {"type": "quiz", "value": {"title": "自测", "intro": "", "questions": [
            {"prompt": "问题一", "multiple": False, "choices": [
                {"text": "选项甲", "correct": True, "feedback": "解释"},
                {"text": "选项乙", "correct": False, "feedback": ""}]}]}},
    ])
    text = stream_text(value)
    assert "亲子沟通 & 倾听" in text and "问题一" in text and "选项甲" in text
    assert "True" not in text


def test_svg_is_not_an_allowed_image_format(settings):
    assert "svg" not in [e.lower() for e in settings.WAGTAILIMAGES_EXTENSIONS]
