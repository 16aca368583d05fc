from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0010_familyprofile_sms_notices"),
    ]

    operations = [
        migrations.CreateModel(
            name="Heartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, unique=True, verbose_name="名称")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("detail", models.CharField(blank=True, max_length=200,
                                            verbose_name="说明")),
            ],
            options={
                "verbose_name": "运行记录",
                "verbose_name_plural": "运行记录",
                "ordering": ["name"],
            },
        ),
    ]
