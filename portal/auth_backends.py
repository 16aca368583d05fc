"""Authentication backends that load the signed-in user in one query.

Every signed-in request loads its user; the middleware then asks for the
user's roles (idle timeout, the staff areas) and, for staff, whether a TOTP
authenticator exists. Loading those with the user, as EXISTS subqueries,
turns three queries per request into one. The annotations are read by
`User.has_role` and `portal.middleware.has_totp`; an instance loaded any
other way still answers, with its own queries.
"""

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from portal.models import Role

ROLE_FLAG = "_role_{}"
TOTP_FLAG = "_has_totp"


def user_with_roles(user_id):
    """User `user_id` with its role names and TOTP flag loaded, or None."""
    user_model = get_user_model()
    flags = {
        ROLE_FLAG.format(role.value): Exists(
            Group.objects.filter(user=OuterRef("pk"), name=role.value))
        for role in Role
    }
    flags[TOTP_FLAG] = Exists(Authenticator.objects.filter(
        user=OuterRef("pk"), type=Authenticator.Type.TOTP))
    user = user_model._default_manager.annotate(**flags).filter(pk=user_id).first()
    if user is None:
        return None
    user._role_names = {
        role.value for role in Role if getattr(user, ROLE_FLAG.format(role.value))
    }
    return user


class _OneQueryUser:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class RoleModelBackend(_OneQueryUser, ModelBackend):
    """Django's ModelBackend; the user comes with its roles."""


class RoleAuthenticationBackend(_OneQueryUser, AuthenticationBackend):
    """allauth's backend (sign-in by email); the user comes with its roles."""
