"""StreamField blocks of modules and lessons.

No `RawHTMLBlock`: editors must not be able to inject markup or scripts. Rich
text is limited to a short list of features, and every block renders through
its own template under `templates/blocks/`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul"]


class PrefetchingImageChooserBlock(ImageChooserBlock):
    """Loads every image of a stream with its renditions in two queries."""

    def bulk_to_python(self, values):
        objects = self.model_class.objects.prefetch_renditions().in_bulk(
            [v for v in values if v is not None]
        )
        return [objects.get(v) for v in values]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题"), max_length=120)

    class Meta:
        icon = "title"
        label = _("小标题")
        template = "blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = PrefetchingImageChooserBlock(label=_("图片"))
    alt = blocks.CharBlock(
        label=_("替代文字"), max_length=200,
        help_text=_("为看不到图片的读者描述图片内容；纯装饰图片请写“装饰”。"),
    )
    caption = blocks.CharBlock(label=_("图片说明"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "blocks/image.html"


class TranscriptMixin(blocks.StructBlock):
    transcript = blocks.TextBlock(
        label=_("文字稿"), required=False,
        help_text=_("视频或音频的完整文字稿，会显示在页面上并可下载。"),
    )
    transcript_document = DocumentChooserBlock(
        label=_("文字稿文件"), required=False,
        help_text=_("可选：上传 .txt 或 .vtt 文字稿，供下载。"),
    )


class VideoBlock(TranscriptMixin):
    title = blocks.CharBlock(label=_("标题"), max_length=120)
    embed = EmbedBlock(
        label=_("嵌入视频"), required=False,
        help_text=_("哔哩哔哩或腾讯视频链接。"),
    )
    file = DocumentChooserBlock(label=_("视频文件"), required=False)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("embed") and not value.get("file"):
            raise blocks.StructBlockValidationError(
                block_errors={"embed": ValidationError(_("请提供嵌入链接或上传视频文件。"))}
            )
        return value


class AudioBlock(TranscriptMixin):
    title = blocks.CharBlock(label=_("标题"), max_length=120)
    file = DocumentChooserBlock(label=_("音频文件"))

    class Meta:
        icon = "media"
        label = _("音频")
        template = "blocks/audio.html"


class CalloutBlock(blocks.StructBlock):
    """A boxed note. `seek_help` is for danger now and lists the crisis lines;
    `get_help` is the non-urgent "when you need help" note, which points to
    the station instead of repeating the hotlines."""

    KIND_CHOICES = [
        ("tip", _("小提示")),
        ("important", _("重要")),
        ("get_help", _("需要帮助时")),
        ("seek_help", _("请立即求助")),
    ]
    KINDS = frozenset(kind for kind, _label in KIND_CHOICES)
    kind = blocks.ChoiceBlock(choices=KIND_CHOICES, default="tip", label=_("类型"))
    title = blocks.CharBlock(label=_("标题"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("内容"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("提示框")
        template = "blocks/callout.html"


class AnswerChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("选项"), max_length=200)
    correct = blocks.BooleanBlock(label=_("正确答案"), required=False)
    feedback = blocks.CharBlock(
        label=_("选择后的反馈"), max_length=300, required=False,
        help_text=_("解释为什么对或不对，语气温和。"),
    )

    class Meta:
        icon = "list-ul"
        label = _("选项")


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("题目"), max_length=300)
    multiple = blocks.BooleanBlock(
        label=_("多选题"), required=False, help_text=_("勾选后可以选择多个答案。")
    )
    choices = blocks.ListBlock(AnswerChoiceBlock(), min_num=2, label=_("选项"))

    class Meta:
        icon = "help"
        label = _("题目")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for c in value["choices"] if c["correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(_("至少要有一个正确答案。"))}
            )
        if correct > 1 and not value["multiple"]:
            raise blocks.StructBlockValidationError(
                block_errors={"multiple": ValidationError(_("有多个正确答案时请设为多选题。"))}
            )
        return value


class QuizBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=120, default=_("自我检测"))
    intro = blocks.CharBlock(label=_("说明"), max_length=300, required=False)
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("题目"))

    class Meta:
        icon = "tasks"
        label = _("自我检测")
        template = "blocks/quiz.html"


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文件"))
    title = blocks.CharBlock(label=_("名称"), max_length=120, required=False)
    description = blocks.CharBlock(label=_("说明"), max_length=300, required=False)

    class Meta:
        icon = "doc-full"
        label = _("下载资料")
        template = "blocks/resource.html"


class TalkToSomeoneBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        label=_("引导语"), max_length=300, required=False,
        default=_("读到这里，如果心里有些沉，可以找我们聊聊。"),
    )

    class Meta:
        icon = "user"
        label = _("找人聊聊")
        template = "blocks/talk_to_someone.html"


class ReferenceBlock(blocks.StructBlock):
    """One source behind a claim in the module."""

    author = blocks.CharBlock(
        label=_("作者或机构"), max_length=300,
        help_text=_("例如：Dazzi T, Gribble R, Wessely S, Fear NT；或 国家卫生健康委办公厅。"),
    )
    year = blocks.IntegerBlock(label=_("年份"), required=False, min_value=1800,
                               max_value=2100)
    title = blocks.CharBlock(label=_("标题"), max_length=300)
    source = blocks.CharBlock(
        label=_("出处"), max_length=300, required=False,
        help_text=_("期刊、卷期页码、出版方或文号，例如 JAMA Psychiatry, 75(9), 894–900。"),
    )
    url = blocks.URLBlock(
        label=_("链接"), required=False,
        help_text=_("确定无误的 DOI 或官方链接；不确定时请留空。"),
    )

    class Meta:
        icon = "doc-full"
        label = _("参考资料")
        template = "blocks/reference.html"


class ReferencesBlock(blocks.StreamBlock):
    reference = ReferenceBlock()


class CourseStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("正文"), features=RICH_TEXT_FEATURES, template="blocks/paragraph.html"
    )
    heading = HeadingBlock()
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    callout = CalloutBlock()
    quiz = QuizBlock()
    resource = ResourceBlock()
    talk_to_someone = TalkToSomeoneBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 3}}
