from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0009_casework_roles_and_access_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="familyprofile",
            name="sms_notices",
            field=models.BooleanField(
                default=False,
                help_text="发到您登录用的已验证手机号码；短信只写时间和地点。",
                verbose_name="预约提醒和回电通知也发短信",
            ),
        ),
    ]
