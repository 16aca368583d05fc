"""Signups racing for one new mobile number (PostgreSQL, real threads).

Each thread posts the signup form with its own connection; all pass the
form's check, then save together (a Barrier): one account gets the number, every other signup gets the same
page as for a number that already has an account; no 500. (A number nobody
has verified yet is nobody's: a later signup may take it from an earlier one,
and whoever enters their code first keeps it.)
"""

import threading
from http import HTTPStatus

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6
PASSWORD = "quiet-river-morning-42"


def test_signups_racing_for_one_new_number_make_one_account(site_shell, sms_outbox,
                                                            monkeypatch):
    from portal.adapters import AccountAdapter

    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS
    save_user = AccountAdapter.save_user

    def save_user_together(self, request, user, form, commit=True):
        # Every signup has passed the form's "is the number taken?" check.
        barrier.wait(timeout=30)
        return save_user(self, request, user, form, commit=commit)

    monkeypatch.setattr(AccountAdapter, "save_user", save_user_together)

    def worker(index):
        try:
            client = Client(REMOTE_ADDR=f"10.6.0.{index}")
            response = client.post(reverse("account_signup"), {
                "email": "", "phone": "13812345678", "password1": PASSWORD,
                "password2": PASSWORD, "guardian_name": f"家长{index}",
                "accept_privacy": "on"})
            results[index] = (response.status_code, response.get("Location"))
        except Exception as exc:  # noqa: BLE001 - the test reports any escape
            results[index] = ("crashed", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [(HTTPStatus.FOUND, reverse("account_verify_phone"))] * THREADS
    assert User.objects.filter(phone="+8613812345678").count() == 1
    assert len(sms_outbox) == THREADS  # a code or "this number already has an account"
