"""Factories for test set-up: municipalities, users and memberships."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import Membership, Municipality

PASSWORD = "Test-Passwort-1!"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stadt {n}")
    slug = factory.Sequence(lambda n: f"stadt-{n}")
    kind = Municipality.Kind.CITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    roles = factory.LazyFunction(lambda: ["member"])


# --- goals and measures (measures app) ------------------------------------------------------


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.Conference"

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "area"
    name = factory.Sequence(lambda n: f"Sozialraumkonferenz {n}")


class ConferenceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.ConferenceMember"

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Mitglied {n}")
    email = factory.Sequence(lambda n: f"mitglied{n}@example.org")


class GoalFactory(factory.django.DjangoModelFactory):
    """A qualitative area goal; pass indicator, measurement_area, baseline_* for a measured one."""

    class Meta:
        model = "measures.Goal"

    municipality = factory.SubFactory(MunicipalityFactory)
    conference = factory.SubFactory(
        ConferenceFactory, municipality=factory.SelfAttribute("..municipality")
    )
    level = "area"
    title = factory.Sequence(lambda n: f"Ziel {n}")
    qualitative_criterion = "Die Konferenz stellt es fest."


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.Measure"

    municipality = factory.SubFactory(MunicipalityFactory)
    conference = factory.SubFactory(
        ConferenceFactory, municipality=factory.SelfAttribute("..municipality")
    )
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    responsible_institution = "Jugendamt"


class SubStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "measures.SubStep"

    measure = factory.SubFactory(MeasureFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Teilschritt {n}")
