import django.db.models.deletion
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='HomePage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.CharField(blank=True, max_length=250, verbose_name='导语')),
                ('purpose', wagtail.fields.RichTextField(blank=True, verbose_name='项目介绍')),
            ],
            options={
                'verbose_name': '首页',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='StandardPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.CharField(blank=True, max_length=250, verbose_name='导语')),
                ('body', wagtail.fields.RichTextField(blank=True, verbose_name='正文')),
            ],
            options={
                'verbose_name': '普通页面',
            },
            bases=('wagtailcore.page',),
        ),
        migrations.CreateModel(
            name='SiteSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('station_name', models.CharField(default='街道未成年人保护工作站 · 未愛小屋', max_length=100, verbose_name='站点名称')),
                ('station_address', models.CharField(blank=True, max_length=200, verbose_name='地址')),
                ('station_phone', models.CharField(blank=True, max_length=30, verbose_name='站点电话')),
                ('station_email', models.EmailField(blank=True, max_length=254, verbose_name='站点邮箱')),
                ('opening_hours', models.CharField(blank=True, max_length=200, verbose_name='开放时间')),
                ('crisis_intro', models.CharField(default='如果你或孩子此刻有危险或想伤害自己，请立即拨打：', max_length=200, verbose_name='危机提示语')),
                ('retention_days', models.PositiveIntegerField(default=730, help_text='超过此天数的预约登记信息将被匿名化。', verbose_name='预约资料保存天数')),
                ('site', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to='wagtailcore.site')),
            ],
            options={
                'verbose_name': '站点设置',
            },
        ),
        migrations.CreateModel(
            name='CrisisLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('name', models.CharField(max_length=60, verbose_name='名称')),
                ('name_en', models.CharField(blank=True, max_length=80, verbose_name='英文名称')),
                ('number', models.CharField(max_length=20, verbose_name='号码')),
                ('hours', models.CharField(blank=True, max_length=60, verbose_name='服务时间')),
                ('hours_en', models.CharField(blank=True, max_length=60, verbose_name='英文服务时间')),
                ('setting', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='crisis_lines', to='portal.sitesettings')),
            ],
            options={
                'verbose_name': '热线',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
    ]
