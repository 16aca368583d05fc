"""Forms of the course pages. They parse and validate input; nothing is stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Child

HOLDER_NAME_MAX = 40
HOLDER_NAME_TOO_LONG = _("名字最多 40 个字，请改短一些。")
HOLDER_NAME_MISSING = _("请填写要印在证书上的名字。")
HOLDER_CHOICE_MISSING = _("请选择证书上印谁的名字。")
OWN_NAME, TYPED_NAME = "me", "typed"


class CertificateNameForm(forms.Form):
    """The name a guardian prints on their own certificate: their own, a
    registered child's nickname, or one typed here (kept for this session only)."""

    holder = forms.ChoiceField(
        label=_("证书上印的名字"), widget=forms.RadioSelect,
        error_messages={"required": HOLDER_CHOICE_MISSING,
                        "invalid_choice": HOLDER_CHOICE_MISSING},
    )
    name = forms.CharField(
        label=_("其他名字"), required=False, strip=True,
        help_text=_("选“其他名字”时填写，最多 40 个字。名字只在这次登录期间使用，不会存入账户。"),
        widget=forms.TextInput(attrs={"maxlength": HOLDER_NAME_MAX, "autocomplete": "off"}),
    )

    def __init__(self, *args, user, current: str = "", **kwargs):
        """`current`: the name printed now, preselected."""
        super().__init__(*args, **kwargs)
        self.names = {}
        if user.display_name:
            self.names[OWN_NAME] = user.display_name
        profile = getattr(user, "family_profile", None)
        if profile is not None:
            for child in Child.objects.filter(family=profile).order_by("pk"):
                self.names[f"child-{child.pk}"] = child.nickname
        self.fields["holder"].choices = [
            *self.names.items(), (TYPED_NAME, _("其他名字（在下面填写）")),
        ]
        if current:
            known = [key for key, name in self.names.items() if name == current]
            self.initial.update({"holder": known[0]} if known
                                else {"holder": TYPED_NAME, "name": current})

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) > HOLDER_NAME_MAX:
            raise forms.ValidationError(HOLDER_NAME_TOO_LONG)
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("holder") == TYPED_NAME and "name" not in self.errors \
                and not cleaned.get("name"):
            self.add_error("name", HOLDER_NAME_MISSING)
        return cleaned

    def chosen_name(self) -> str:
        holder = self.cleaned_data["holder"]
        return self.cleaned_data["name"] if holder == TYPED_NAME else self.names[holder]
