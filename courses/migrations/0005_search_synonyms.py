"""Search synonyms (a snippet) and the summary's words on each search entry.

Existing entries get their summary's words from the live page, so title and
summary rank above the body without a full reindex.
"""

from django.db import migrations, models

from courses.search.segmentation import segment_for_index


def fill_summaries(apps, schema_editor):
    SearchEntry = apps.get_model("courses", "SearchEntry")
    summaries = {}
    for name in ("ModulePage", "LessonPage"):
        model = apps.get_model("courses", name)
        summaries.update(model.objects.values_list("pk", "summary"))
    for entry in SearchEntry.objects.only("pk", "page_id").iterator():
        summary = summaries.get(entry.page_id) or ""
        if summary:
            SearchEntry.objects.filter(pk=entry.pk).update(
                segmented_summary=segment_for_index(summary))


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0004_reviewers_references_review_gate'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='方便编辑查找，例如“孤独症”。', max_length=60, verbose_name='名称')),
                ('terms', models.TextField(help_text='每行一个词，或用逗号、顿号分开，例如：自闭症、孤独症、autism、ASD。', verbose_name='同义词')),
            ],
            options={
                'verbose_name': '搜索同义词',
                'verbose_name_plural': '搜索同义词',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='searchentry',
            name='segmented_summary',
            field=models.TextField(default=' '),
        ),
        migrations.RunPython(fill_summaries, migrations.RunPython.noop),
    ]
