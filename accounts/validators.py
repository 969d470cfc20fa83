"""Password rule of the KECK brochure: upper and lower case, a digit and a special character."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least one upper-case letter, lower-case letter, digit and special character."""

    checks = (
        (re.compile(r"[A-ZÄÖÜ]"), "password_no_upper"),
        (re.compile(r"[a-zäöüß]"), "password_no_lower"),
        (re.compile(r"\d"), "password_no_digit"),
        (re.compile(r"[^\wÄÖÜäöüß]|_"), "password_no_special"),
    )

    def messages(self):
        return {
            "password_no_upper": _("The password must contain an upper-case letter."),
            "password_no_lower": _("The password must contain a lower-case letter."),
            "password_no_digit": _("The password must contain a digit."),
            "password_no_special": _(
                "The password must contain a special character (e.g. ! ? - _ # %)."
            ),
        }

    def validate(self, password, user=None):
        messages = self.messages()
        errors = [
            ValidationError(messages[code], code=code)
            for pattern, code in self.checks
            if not pattern.search(password)
        ]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "Your password must contain upper- and lower-case letters, a digit and a "
            "special character."
        )
