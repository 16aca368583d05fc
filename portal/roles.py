"""Role groups and the checks views use."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from portal.models import Role


def ensure_groups() -> dict[str, Group]:
    return {r.value: Group.objects.get_or_create(name=r.value)[0] for r in Role}


def add_role(user, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if hasattr(user, "_role_names"):
        del user._role_names


def role_required(*roles: str):
    """Allow users holding any of `roles` (superusers always); 403 otherwise."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.is_superuser or any(user.has_role(r) for r in roles):
                return view(request, *args, **kwargs)
            raise PermissionDenied

        return wrapped

    return decorator
