"""Forms of the administration pages: members, their roles, municipality settings, support
access."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Role, SupportGrant


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    data_topics = forms.CharField(
        label=_("Limit data administration to topics"),
        required=False,
        help_text=_("Topic codes separated by commas; empty = all topics."),
    )
    send_invitation = forms.BooleanField(
        label=_("Send an invitation by e-mail"),
        required=False,
        help_text=_(
            "A new user gets a link to choose a password. Without it, a one-time password is "
            "shown to you once."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("send_invitation") and not cleaned.get("email"):
            self.add_error("email", _("An invitation needs an e-mail address."))
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        return username

    def clean_data_topics(self):
        raw = self.cleaned_data.get("data_topics") or ""
        return [code.strip() for code in raw.split(",") if code.strip()]


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    data_topics = forms.CharField(
        label=_("Limit data administration to topics"),
        required=False,
        help_text=_("Topic codes separated by commas; empty = all topics."),
    )

    def clean_data_topics(self):
        raw = self.cleaned_data.get("data_topics") or ""
        return [code.strip() for code in raw.split(",") if code.strip()]


class MunicipalitySettingsForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = [
            "name",
            "official_key",
            "kind",
            "suppression_threshold",
            "suppress_zero",
            "min_children_per_area",
            "public_atlas_enabled",
        ]


class SupportGrantForm(forms.Form):
    """A municipal administrator's consent to an operator's support access."""

    grantee = forms.ModelChoiceField(
        label=_("Operator account"),
        queryset=get_user_model().objects.none(),
        help_text=_("The platform operator who may read your internal data."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the support request this access is for."),
    )
    days = forms.IntegerField(
        label=_("Duration in days"),
        min_value=1,
        max_value=SupportGrant.MAX_DAYS,
        initial=SupportGrant.DEFAULT_DAYS,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: at once."),
    )

    def __init__(self, *args, operators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if operators is not None:
            self.fields["grantee"].queryset = operators
