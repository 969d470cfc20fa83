"""The brochure's password rule: 8+ characters, upper and lower case, a digit, a special one."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import UserFactory


@pytest.mark.parametrize(
    "password",
    ["Kita-Platz-24", "Abcdef1!", "Grüne Wiese 7", "Sozialraum_2025", "ÄÖÜäöü9?"],
)
def test_password_with_every_character_class_is_accepted(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Abc-12!", "password_too_short"),
        ("kita-platz-24", "password_no_upper"),
        ("KITA-PLATZ-24", "password_no_lower"),
        ("Kita-Platz-xy", "password_no_digit"),
        ("KitaPlatz24", "password_no_special"),
        ("Password1!", "password_too_common"),
    ],
)
def test_password_missing_a_requirement_is_rejected(password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password)

    assert code in {e.code for e in error.value.error_list}


def test_password_missing_everything_lists_every_problem():
    with pytest.raises(ValidationError) as error:
        validate_password("abc")

    codes = {e.code for e in error.value.error_list}
    assert {"password_too_short", "password_no_upper", "password_no_digit"} <= codes
    assert "password_no_special" in codes


@pytest.mark.django_db
def test_password_like_the_user_name_is_rejected():
    user = UserFactory(username="sozialplanung", email="sozialplanung@example.org")

    with pytest.raises(ValidationError) as error:
        validate_password("Sozialplanung-1", user)

    assert "password_too_similar" in {e.code for e in error.value.error_list}


def test_password_help_mentions_the_special_character():
    with translation.override("en"):
        help_texts = " ".join(password_validators_help_texts())

    assert "special character" in help_texts
    assert "8" in help_texts
