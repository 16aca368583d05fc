"""seed_demo creates accounts with published passwords and TOTP secrets (a
child supervisor reads every case): settings that do not allow it refuse."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.SEED_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="DJANGO_ALLOW_DEMO_DATA"):
        call_command("seed_demo")
    assert not User.objects.filter(email__endswith="@demo.weiai.cn").exists()
