"""Reviewer records, references, the crisis flag and the credentialed 临床审核 task.

- The free-text reviewer name and credential become `Reviewer` records (one
  per distinct pair); pairs that say 演示/示例/demo are marked as demo data.
- The 临床审核 GroupApprovalTask is replaced in its workflows by a
  `ClinicalReviewTask` with the same groups, whose approval needs a
  reviewer record. Reviews in progress on the old task are cancelled (they
  could not be approved any more); editors submit those pages again.
"""

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

TASK = "临床审核"
GROUP = "clinical reviewers"
DEMO_MARKERS = ("演示", "示例", "demo", "sample")


def reviewers_from_text(apps, schema_editor):
    ModulePage = apps.get_model("courses", "ModulePage")
    Reviewer = apps.get_model("courses", "Reviewer")
    records = {}
    for pk, name, credential in ModulePage.objects.exclude(reviewer_name="").values_list(
        "pk", "reviewer_name", "reviewer_credential"
    ):
        key = (name.strip(), credential.strip())
        if key not in records:
            text = " ".join(key).lower()
            records[key] = Reviewer.objects.create(
                name=key[0][:60], credential=key[1][:120] or "—",
                is_demo=any(marker in text for marker in DEMO_MARKERS),
            )
        ModulePage.objects.filter(pk=pk).update(reviewer=records[key])


def text_from_reviewers(apps, schema_editor):
    ModulePage = apps.get_model("courses", "ModulePage")
    for module in ModulePage.objects.filter(reviewer__isnull=False).select_related(
        "reviewer"
    ):
        ModulePage.objects.filter(pk=module.pk).update(
            reviewer_name=module.reviewer.name[:60],
            reviewer_credential=module.reviewer.credential[:120],
        )


def replace_review_task(apps, schema_editor):
    ClinicalReviewTask = apps.get_model("courses", "ClinicalReviewTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    if ClinicalReviewTask.objects.filter(name=TASK).exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="courses", model="clinicalreviewtask"
    )
    task = ClinicalReviewTask.objects.create(name=TASK, content_type=content_type)
    old = GroupApprovalTask.objects.filter(name=TASK).first()
    if old is None:
        task.groups.set(Group.objects.filter(name=GROUP))
        return
    task.groups.set(old.groups.all())
    WorkflowTask.objects.filter(task_id=old.pk).update(task_id=task.pk)
    in_progress = TaskState.objects.filter(task_id=old.pk, status="in_progress")
    WorkflowState.objects.filter(
        current_task_state__in=in_progress, status="in_progress"
    ).update(status="cancelled")
    in_progress.update(status="cancelled", finished_at=timezone.now())
    GroupApprovalTask.objects.filter(pk=old.pk).update(
        name=f"{TASK}（已由临床审核任务取代）", active=False
    )


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('courses', '0003_clinical_review_workflow'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='modulepage',
            name='is_crisis_content',
            field=models.BooleanField(default=False, help_text='涉及自杀、自伤或危机应对的模块请勾选：复核周期更短（见站点设置），到期未复核时暂停向家庭展示，直到重新通过临床审核。', verbose_name='危机内容'),
        ),
        migrations.AddField(
            model_name='modulepage',
            name='references',
            field=wagtail.fields.StreamField([('reference', 5)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'help_text': '例如：Dazzi T, Gribble R, Wessely S, Fear NT；或 国家卫生健康委办公厅。', 'label': '作者或机构', 'max_length': 300}), 1: ('wagtail.blocks.IntegerBlock', (), {'label': '年份', 'max_value': 2100, 'min_value': 1800, 'required': False}), 2: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 300}), 3: ('wagtail.blocks.CharBlock', (), {'help_text': '期刊、卷期页码、出版方或文号，例如 JAMA Psychiatry, 75(9), 894–900。', 'label': '出处', 'max_length': 300, 'required': False}), 4: ('wagtail.blocks.URLBlock', (), {'help_text': '确定无误的 DOI 或官方链接；不确定时请留空。', 'label': '链接', 'required': False}), 5: ('wagtail.blocks.StructBlock', [[('author', 0), ('year', 1), ('title', 2), ('source', 3), ('url', 4)]], {})}, help_text='模块中每一处“研究发现”等依据都要列出来源；显示在模块页末尾。', verbose_name='参考资料'),
        ),
        migrations.AlterField(
            model_name='lessonpage',
            name='body',
            field=wagtail.fields.StreamField([('paragraph', 0), ('heading', 2), ('image', 6), ('video', 11), ('audio', 13), ('callout', 17), ('quiz', 29), ('resource', 32), ('talk_to_someone', 34)], block_lookup={0: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'h4', 'bold', 'italic', 'link', 'ol', 'ul'], 'label': '正文', 'template': 'blocks/paragraph.html'}), 1: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 120}), 2: ('wagtail.blocks.StructBlock', [[('text', 1)]], {}), 3: ('courses.blocks.PrefetchingImageChooserBlock', (), {'label': '图片'}), 4: ('wagtail.blocks.CharBlock', (), {'help_text': '为看不到图片的读者描述图片内容；纯装饰图片请写“装饰”。', 'label': '替代文字', 'max_length': 200}), 5: ('wagtail.blocks.CharBlock', (), {'label': '图片说明', 'max_length': 200, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('image', 3), ('alt', 4), ('caption', 5)]], {}), 7: ('wagtail.blocks.TextBlock', (), {'help_text': '视频或音频的完整文字稿，会显示在页面上并可下载。', 'label': '文字稿', 'required': False}), 8: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'help_text': '可选：上传 .txt 或 .vtt 文字稿，供下载。', 'label': '文字稿文件', 'required': False}), 9: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': '哔哩哔哩或腾讯视频链接。', 'label': '嵌入视频', 'required': False}), 10: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '视频文件', 'required': False}), 11: ('wagtail.blocks.StructBlock', [[('transcript', 7), ('transcript_document', 8), ('title', 1), ('embed', 9), ('file', 10)]], {}), 12: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '音频文件'}), 13: ('wagtail.blocks.StructBlock', [[('transcript', 7), ('transcript_document', 8), ('title', 1), ('file', 12)]], {}), 14: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('tip', '小提示'), ('important', '重要'), ('get_help', '需要帮助时'), ('seek_help', '请立即求助')], 'label': '类型'}), 15: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 120, 'required': False}), 16: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ul'], 'label': '内容'}), 17: ('wagtail.blocks.StructBlock', [[('kind', 14), ('title', 15), ('text', 16)]], {}), 18: ('wagtail.blocks.CharBlock', (), {'default': '自我检测', 'label': '标题', 'max_length': 120}), 19: ('wagtail.blocks.CharBlock', (), {'label': '说明', 'max_length': 300, 'required': False}), 20: ('wagtail.blocks.CharBlock', (), {'label': '题目', 'max_length': 300}), 21: ('wagtail.blocks.BooleanBlock', (), {'help_text': '勾选后可以选择多个答案。', 'label': '多选题', 'required': False}), 22: ('wagtail.blocks.CharBlock', (), {'label': '选项', 'max_length': 200}), 23: ('wagtail.blocks.BooleanBlock', (), {'label': '正确答案', 'required': False}), 24: ('wagtail.blocks.CharBlock', (), {'help_text': '解释为什么对或不对，语气温和。', 'label': '选择后的反馈', 'max_length': 300, 'required': False}), 25: ('wagtail.blocks.StructBlock', [[('text', 22), ('correct', 23), ('feedback', 24)]], {}), 26: ('wagtail.blocks.ListBlock', (25,), {'label': '选项', 'min_num': 2}), 27: ('wagtail.blocks.StructBlock', [[('prompt', 20), ('multiple', 21), ('choices', 26)]], {}), 28: ('wagtail.blocks.ListBlock', (27,), {'label': '题目', 'min_num': 1}), 29: ('wagtail.blocks.StructBlock', [[('title', 18), ('intro', 19), ('questions', 28)]], {}), 30: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '文件'}), 31: ('wagtail.blocks.CharBlock', (), {'label': '名称', 'max_length': 120, 'required': False}), 32: ('wagtail.blocks.StructBlock', [[('document', 30), ('title', 31), ('description', 19)]], {}), 33: ('wagtail.blocks.CharBlock', (), {'default': '读到这里，如果心里有些沉，可以找我们聊聊。', 'label': '引导语', 'max_length': 300, 'required': False}), 34: ('wagtail.blocks.StructBlock', [[('text', 33)]], {})}, verbose_name='正文'),
        ),
        migrations.AlterField(
            model_name='modulepage',
            name='body',
            field=wagtail.fields.StreamField([('paragraph', 0), ('heading', 2), ('image', 6), ('video', 11), ('audio', 13), ('callout', 17), ('quiz', 29), ('resource', 32), ('talk_to_someone', 34)], blank=True, block_lookup={0: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'h4', 'bold', 'italic', 'link', 'ol', 'ul'], 'label': '正文', 'template': 'blocks/paragraph.html'}), 1: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 120}), 2: ('wagtail.blocks.StructBlock', [[('text', 1)]], {}), 3: ('courses.blocks.PrefetchingImageChooserBlock', (), {'label': '图片'}), 4: ('wagtail.blocks.CharBlock', (), {'help_text': '为看不到图片的读者描述图片内容；纯装饰图片请写“装饰”。', 'label': '替代文字', 'max_length': 200}), 5: ('wagtail.blocks.CharBlock', (), {'label': '图片说明', 'max_length': 200, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('image', 3), ('alt', 4), ('caption', 5)]], {}), 7: ('wagtail.blocks.TextBlock', (), {'help_text': '视频或音频的完整文字稿，会显示在页面上并可下载。', 'label': '文字稿', 'required': False}), 8: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'help_text': '可选：上传 .txt 或 .vtt 文字稿，供下载。', 'label': '文字稿文件', 'required': False}), 9: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': '哔哩哔哩或腾讯视频链接。', 'label': '嵌入视频', 'required': False}), 10: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '视频文件', 'required': False}), 11: ('wagtail.blocks.StructBlock', [[('transcript', 7), ('transcript_document', 8), ('title', 1), ('embed', 9), ('file', 10)]], {}), 12: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '音频文件'}), 13: ('wagtail.blocks.StructBlock', [[('transcript', 7), ('transcript_document', 8), ('title', 1), ('file', 12)]], {}), 14: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('tip', '小提示'), ('important', '重要'), ('get_help', '需要帮助时'), ('seek_help', '请立即求助')], 'label': '类型'}), 15: ('wagtail.blocks.CharBlock', (), {'label': '标题', 'max_length': 120, 'required': False}), 16: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ul'], 'label': '内容'}), 17: ('wagtail.blocks.StructBlock', [[('kind', 14), ('title', 15), ('text', 16)]], {}), 18: ('wagtail.blocks.CharBlock', (), {'default': '自我检测', 'label': '标题', 'max_length': 120}), 19: ('wagtail.blocks.CharBlock', (), {'label': '说明', 'max_length': 300, 'required': False}), 20: ('wagtail.blocks.CharBlock', (), {'label': '题目', 'max_length': 300}), 21: ('wagtail.blocks.BooleanBlock', (), {'help_text': '勾选后可以选择多个答案。', 'label': '多选题', 'required': False}), 22: ('wagtail.blocks.CharBlock', (), {'label': '选项', 'max_length': 200}), 23: ('wagtail.blocks.BooleanBlock', (), {'label': '正确答案', 'required': False}), 24: ('wagtail.blocks.CharBlock', (), {'help_text': '解释为什么对或不对，语气温和。', 'label': '选择后的反馈', 'max_length': 300, 'required': False}), 25: ('wagtail.blocks.StructBlock', [[('text', 22), ('correct', 23), ('feedback', 24)]], {}), 26: ('wagtail.blocks.ListBlock', (25,), {'label': '选项', 'min_num': 2}), 27: ('wagtail.blocks.StructBlock', [[('prompt', 20), ('multiple', 21), ('choices', 26)]], {}), 28: ('wagtail.blocks.ListBlock', (27,), {'label': '题目', 'min_num': 1}), 29: ('wagtail.blocks.StructBlock', [[('title', 18), ('intro', 19), ('questions', 28)]], {}), 30: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': '文件'}), 31: ('wagtail.blocks.CharBlock', (), {'label': '名称', 'max_length': 120, 'required': False}), 32: ('wagtail.blocks.StructBlock', [[('document', 30), ('title', 31), ('description', 19)]], {}), 33: ('wagtail.blocks.CharBlock', (), {'default': '读到这里，如果心里有些沉，可以找我们聊聊。', 'label': '引导语', 'max_length': 300, 'required': False}), 34: ('wagtail.blocks.StructBlock', [[('text', 33)]], {})}, verbose_name='模块介绍'),
        ),
        migrations.CreateModel(
            name='ClinicalReviewTask',
            fields=[
                ('task_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.task')),
                ('groups', models.ManyToManyField(help_text='Pages/snippets at this step in a workflow will be moderated or approved by these groups of users', to='auth.group', verbose_name='groups')),
            ],
            options={
                'verbose_name': '临床审核任务',
                'verbose_name_plural': '临床审核任务',
            },
            bases=('wagtailcore.task',),
        ),
        migrations.CreateModel(
            name='Reviewer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='姓名')),
                ('name_en', models.CharField(blank=True, max_length=80, verbose_name='英文姓名')),
                ('credential', models.CharField(help_text='例如：精神科主治医师、心理治疗师（中级）、中级社会工作师。', max_length=120, verbose_name='资质')),
                ('credential_en', models.CharField(blank=True, max_length=160, verbose_name='英文资质')),
                ('registration_number', models.CharField(blank=True, help_text='有执业证书或注册编号时填写，会显示给家庭。', max_length=60, verbose_name='执业或注册编号')),
                ('organisation', models.CharField(blank=True, max_length=120, verbose_name='所在机构')),
                ('organisation_en', models.CharField(blank=True, max_length=160, verbose_name='英文机构名称')),
                ('is_demo', models.BooleanField(default=False, help_text='演示用的审核人在页面上只显示为“示例审核人（演示数据，非真实临床人员）”。', verbose_name='演示数据')),
                ('active', models.BooleanField(default=True, verbose_name='在任')),
                ('user', models.OneToOneField(blank=True, help_text='审核时使用的账号。只有关联了在任审核人记录的账号才能通过临床审核。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='clinical_reviewer', to=settings.AUTH_USER_MODEL, verbose_name='后台账号')),
            ],
            options={
                'verbose_name': '临床审核人',
                'verbose_name_plural': '临床审核人',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='modulepage',
            name='reviewer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='modules', to='courses.reviewer', verbose_name='审核人'),
        ),
        migrations.RunPython(reviewers_from_text, text_from_reviewers),
        migrations.RunPython(replace_review_task, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='modulepage',
            name='reviewer_credential',
        ),
        migrations.RemoveField(
            model_name='modulepage',
            name='reviewer_name',
        ),
    ]
