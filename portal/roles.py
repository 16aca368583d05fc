"""Role groups and the checks views use."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from portal.models import Role

# The network's models whose texts families read (editors keep them too).
NETWORK_PUBLIC_MODELS = (
    "servicepoint",
    "neighbourhood",
    "openinghours",
    "openingexception",
)

# Model permissions per role, as "app_label.codename" or "app_label.*" (every
# permission of that app except delete_*). Wagtail admin access is
# wagtailadmin.access_admin: editors and coordinators have it, counsellors
# and families do not.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.FAMILY: [],
    Role.COUNSELLOR: [],
    Role.COORDINATOR: [
        "wagtailadmin.access_admin",
        "portal.change_sitesettings",
        "portal.view_accesslog",
        "bookings.*",
        "network.*",
    ],
    Role.EDITOR: [
        "wagtailadmin.access_admin",
        "simple_translation.submit_translation",
        "wagtailcore.add_locale",
        "wagtailcore.change_locale",
        "courses.*",
        # The points' public texts, not the expert pool or the partners (staff
        # contact details, credentials): those are the coordinators'.
        *(
            f"network.{action}_{model}"
            for model in NETWORK_PUBLIC_MODELS
            for action in ("add", "change", "view")
        ),
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}
# Page-tree permissions (on the root page) for Wagtail page editing.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _permissions(specs: list[str]):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    query = Q(pk__in=[])
    for spec in specs:
        app_label, codename = spec.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label) & ~Q(codename__startswith="delete_")
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def ensure_groups() -> dict[str, Group]:
    """Create the role groups and (re)grant their permissions. Idempotent."""
    groups = {r.value: Group.objects.get_or_create(name=r.value)[0] for r in Role}
    for role, group in groups.items():
        group.permissions.add(*_permissions(ROLE_PERMISSIONS.get(role, [])))
    _grant_page_permissions(groups)
    return groups


def _grant_page_permissions(groups: dict[str, Group]) -> None:
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for role, codenames in ROLE_PAGE_PERMISSIONS.items():
        for perm in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.get_or_create(
                group=groups[role], page=root, permission=perm
            )


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


def has_totp(user) -> bool:
    """Whether `user` has set up an authenticator app (staff roles need one)."""
    from allauth.mfa.models import Authenticator

    # Loaded with the request's user (portal.auth_backends): no query.
    loaded = getattr(user, "_has_totp", None)
    if loaded is not None:
        return loaded
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
