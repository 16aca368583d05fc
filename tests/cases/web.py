"""Helpers of the casework page tests: signed-in clients that passed TOTP."""

from allauth.mfa.models import Authenticator
from django.test import Client

from tests.bookings.web_setup import with_totp


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        if user.is_station_staff and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP).exists():
            with_totp(user)
        client.force_login(user)
    return client
