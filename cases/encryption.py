"""Case narratives at rest: django-fernet-encrypted-fields, keys from settings.

Each encrypted field derives its Fernet keys once per process from
``SECRET_KEY`` (+ ``SECRET_KEY_FALLBACKS``) x ``SALT_KEY`` (a list: the first
salt with the current secret encrypts, every pair decrypts), and caches them
on the field. `reset_keys` drops those caches; it runs whenever one of the
three settings changes (tests' ``override_settings``), so a key rotation is
seen at once.
"""

from django.apps import apps
from django.core.signals import setting_changed
from encrypted_fields.fields import EncryptedFieldMixin, EncryptedTextField

KEY_SETTINGS = frozenset({"SECRET_KEY", "SECRET_KEY_FALLBACKS", "SALT_KEY"})


def narrative(verbose_name, **kwargs) -> EncryptedTextField:
    """An encrypted free-text field. Blank is stored as NULL (the library
    encrypts no empty value), hence ``null=True``."""
    return EncryptedTextField(verbose_name, blank=True, null=True, **kwargs)


def encrypted_fields():
    """Every encrypted field of every installed model (history copies too)."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, EncryptedFieldMixin):
                yield field


def reset_keys() -> None:
    for field in encrypted_fields():
        field.__dict__.pop("keys", None)
        field.__dict__.pop("f", None)


def _on_setting_changed(*, setting, **kwargs) -> None:
    if setting in KEY_SETTINGS:
        reset_keys()


def connect() -> None:
    setting_changed.connect(_on_setting_changed, dispatch_uid="cases.encryption")
