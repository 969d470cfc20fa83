"""The tenant isolation proof: every route, as every identity of municipality A, against B.

The routes come from the URL resolver itself, so a new route is walked without anyone adding it.
Each path argument is filled from B's objects through KINDS, a table keyed by the path segment
in front of the argument; a route whose argument the table cannot fill fails the test, so a new
kind of object must be added here (and is then proven isolated too).

B is the Vechta demo (every kind of object exists there), with a secret marker written into
the texts of the objects the routes point at. A is a small municipality with one user per role.
Whatever A's users (and the anonymous public, and a platform superuser) ask for, the response
must refuse (or redirect to the login) and no body may hold B's marker; writes must leave every
row of B as it was.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, models
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Municipality, Role
from tests.atlas_data.export_files import pdf_text
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

# Written into B's objects; must never reach anyone outside B. Not a word of any language.
MARKER = "Qx7Tenant9Geheim"

# --------------------------------------------------------------------------------------------
# The routes


@dataclass(frozen=True)
class Route:
    """One URL pattern of the resolver, flattened: `api/v1/municipalities/<slug:slug>/levels/`."""

    pattern: str
    name: str
    # (segment in front, converter, argument name) for each path argument, left to right
    arguments: tuple[tuple[str, str, str], ...]
    # The write methods the view answers (class-based views and viewsets say which they have;
    # a function view is sent a POST).
    writes: tuple[str, ...] = ("post",)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def __str__(self):
        return self.pattern or "/"


_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            arguments, start = [], 0
            for match in _ARGUMENT.finditer(pattern):
                before = _ARGUMENT.sub(lambda m: m.group("name"), pattern[: match.start()])
                segment = before.rstrip("/").rsplit("/", 1)[-1]
                if before.endswith("."):  # `map.<str:fmt>`: the segment is "map."
                    segment = before.rsplit("/", 1)[-1]
                arguments.append((segment, match.group("converter") or "str", match.group("name")))
                start = match.end()
            del start
            yield Route(
                pattern,
                f"{namespace}{entry.name or ''}",
                tuple(arguments),
                _write_methods(entry.callback),
            )


def _write_methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF viewset: method -> action
    if actions:
        return tuple(m for m in WRITE_METHODS if m in actions)
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return tuple(m for m in WRITE_METHODS if hasattr(view_class, m)) or ("post",)
    return ("post",)


def all_routes() -> list[Route]:
    """Every route of the project, each once (viewflow registers `app/administration/` twice:
    the members page and the application index; the first one wins in the resolver)."""
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.pattern not in seen:
            seen.add(route.pattern)
            routes.append(route)
    return routes


def part_of(route: Route) -> str:
    """Which test file walks a route: the API, the atlas pages (internal and public), the rest.
    Three files so that pytest-xdist (--dist loadfile) spreads the work."""
    if route.is_api:
        return "api"
    if route.pattern.startswith(("app/atlas/", "atlas/")):
        return "atlas"
    return "pages"


def routes_of(part: str) -> list[Route]:
    return [route for route in all_routes() if part_of(route) == part]


# --------------------------------------------------------------------------------------------
# Filling path arguments from B


# (segment in front of the argument, argument name) -> kind of B's object (see World.objects),
# or a tuple of literal values to try. Ambiguous segments are settled in KINDS_BY_PREFIX.
KINDS: dict[tuple[str, str], str | tuple[str, ...]] = {
    ("atlas", "slug"): "slug",
    ("municipalities", "slug"): "slug",
    ("areas", "pk"): "area",
    ("impulses", "area_pk"): "prioritised_area",
    ("areas", "area_cycle_pk"): "area_cycle",
    ("indicators", "pk"): "indicator",
    ("bookmarks", "pk"): "bookmark",
    ("pois", "pk"): "poi",
    ("categories", "pk"): "poi_category",
    ("imports", "pk"): "import_run",
    ("conferences", "pk"): "conference",
    ("conferences", "conference_pk"): "conference",
    ("conferences", "conference"): "conference",
    ("members", "pk"): "conference_member",
    ("members", "member_pk"): "conference_member",
    ("sessions", "pk"): "session",
    ("action-items", "pk"): "action_item",
    ("catalogues", "pk"): "catalogue",
    ("catalogue-sections", "pk"): "section",
    ("sections", "pk"): "section",
    ("catalogue-questions", "pk"): "question",
    ("questions", "pk"): "question",
    ("sheets", "pk"): "sheet",
    ("swot", "pk"): "swot",
    ("findings", "pk"): "finding",
    ("needs", "pk"): "need",
    ("fields-of-action", "pk"): "field_of_action",
    ("fields", "pk"): "field_of_action",
    ("prioritisations", "pk"): "prioritisation",
    ("goals", "pk"): "goal",
    ("measures", "pk"): "measure",
    ("measures", "measure"): "measure",
    ("plan", "pk"): "measure",
    ("substeps", "pk"): "substep",
    ("steps", "step_pk"): "substep",
    ("hypotheses", "pk"): "hypothesis",
    ("cycles", "pk"): "cycle",
    ("tasks", "pk"): "task",
    ("tasks", "task"): "task",
    ("interim", "pk"): "report_run",
    ("support-grants", "pk"): "support_grant",
    ("indikatoren", "pk"): "indicator",
    ("i", "pk"): "indicator",
    ("pk", "year"): ("2013",),
    ("netzwerk", "code"): "network_code",
    ("network", "code"): "network_code",
    ("support", "pk"): "support_grant",
    ("reset", "uidb64"): "uidb64",
    ("uidb64", "token"): "reset_token",
    ("minutes-template", "which"): ("default", "current"),
    ("template", "which"): ("default", "current"),
    ("map.", "fmt"): "graphic_formats",
    ("chart.", "fmt"): "graphic_formats",
    ("table.", "fmt"): "table_formats",
}
KINDS_BY_PREFIX: dict[tuple[str, str], str] = {
    # The administration's members are memberships of the municipality, not conference members.
    ("app/administration/members/", "pk"): "membership",
}


class UnknownArgument(LookupError):
    pass


def kind_of(route: Route, segment: str, name: str) -> str | tuple[str, ...]:
    for (prefix, argument), kind in KINDS_BY_PREFIX.items():
        if route.pattern.startswith(prefix) and argument == name:
            return kind
    try:
        return KINDS[(segment, name)]
    except KeyError:
        raise UnknownArgument(
            f"{route}: no B object for <{name}> after '{segment}/'. Add the kind of object to "
            "KINDS in tests/foundation/isolation.py (and to World.objects), so that the new "
            "route is proven isolated."
        ) from None


# The history pages (keck.history) take a kind and a reference whose form depends on the kind:
# every registered kind is walked with a reference to B's object of that kind.
HISTORY_REFS = {
    "value": lambda o: f"{o['value'].indicator_id}-{o['value'].area_id}-{o['value'].year}",
    "goal": lambda o: o["goal"].pk,
    "measure": lambda o: o["measure"].pk,
    "substep": lambda o: o["substep"].pk,
    "answer": lambda o: o["response"].pk,
    "agreed-answer": lambda o: o["agreed_answer"].pk,
    "session": lambda o: o["session"].pk,
    "agenda-item": lambda o: o["agenda_item"].pk,
}


def _history_paths(route: Route, world: World) -> list[str]:
    from keck.history import kinds

    paths = []
    for kind in kinds():
        if kind not in HISTORY_REFS:
            raise UnknownArgument(
                f"{route}: no reference to B's object for the history kind '{kind}'. Add it to "
                "HISTORY_REFS in tests/foundation/isolation.py."
            )
        ref = HISTORY_REFS[kind](world.objects)
        paths.append(route.pattern.replace("<slug:kind>", kind).replace("<str:ref>", str(ref)))
    return paths


def urls_for(route: Route, world: World) -> list[str]:
    """The concrete paths of a route pointing at B's objects (several for format arguments)."""
    names = [name for _segment, _converter, name in route.arguments]
    if names == ["kind", "ref"]:
        return ["/" + path for path in _history_paths(route, world)]
    paths = [route.pattern]
    for segment, _converter, name in route.arguments:
        kind = kind_of(route, segment, name)
        values = kind if isinstance(kind, tuple) else world.values(kind)
        placeholder = re.compile(rf"<(?:\w+:)?{name}>")
        paths = [placeholder.sub(str(value), path, count=1) for path in paths for value in values]
    return ["/" + path for path in paths]


# --------------------------------------------------------------------------------------------
# The two municipalities


IDENTITIES = ("anonymous", "superuser", *Role.values)


@dataclass
class World:
    a: Municipality
    b: Municipality
    users: dict[str, object]
    objects: dict[str, models.Model | str]
    extra: dict[str, tuple] = field(default_factory=dict)
    # Session cookies of the logged-in identities: logging in once per file, not per route
    # (each login runs django-axes' bookkeeping). A route that logs out only ends the session
    # inside its own rolled-back savepoint.
    cookies: dict[str, str] = field(default_factory=dict)
    b_before: dict[str, str] = field(default_factory=dict)

    def values(self, kind: str) -> tuple:
        if kind in self.extra:
            return self.extra[kind]
        value = self.objects[kind]
        return (value if isinstance(value, str) else value.pk,)

    def log_in_everyone(self) -> None:
        for identity, user in self.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                self.cookies[identity] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, identity: str) -> Client:
        client = Client()
        if identity in self.cookies:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.cookies[identity]
        return client

    def query_pointing_at_b(self) -> str:
        """Query parameters that name B's objects, for views that take ids from the query."""
        o = self.objects
        areas = ",".join(str(pk) for pk in o["b_area_ids"])
        return urlencode(
            {
                "areas": areas,
                "area": o["area"].pk,
                "indicators": o["indicator"].pk,
                "indicator": o["indicator"].pk,
                "level": o["area"].level_id,
                "conference": o["conference"].pk,
                "goal": o["goal"].pk,
                "measure": o["measure"].pk,
                "bookmark": o["bookmark"].pk,
                "cycle": o["cycle"].pk,
                "catalogue": o["catalogue"].pk,
                "sheets": o["sheet"].pk,
                "municipality": o["slug"],
                "year": 2013,
            }
        )


def _mark(obj: models.Model, field_name: str) -> models.Model:
    """Write the marker into one text of B's object (update(): no history, no signals)."""
    value = f"{getattr(obj, field_name)} {MARKER}"
    type(obj).objects.filter(pk=obj.pk).update(**{field_name: value})
    setattr(obj, field_name, value)
    return obj


def build_world() -> World:
    """B: the Vechta demo with marked objects; A: a small municipality with a user per role."""
    from viewflow.workflow.models import Task

    from atlas_data.exports import GRAPHIC_FORMATS, TABLE_FORMATS
    from atlas_data.models import Area, Bookmark, ImportRun, Indicator, Poi, PoiCategory, Value
    from conferences.models import (
        ActionItem,
        AgendaItem,
        AgreedAnswer,
        Catalogue,
        Conference,
        ConferenceMember,
        FieldOfAction,
        Finding,
        NeedForAction,
        Prioritisation,
        Question,
        Response,
        Section,
        Sheet,
        SwotEntry,
    )
    from keck.demo import load_demo
    from measures.models import Goal, ImpactHypothesis, ReportRun, SubStep
    from workflow.models import AreaCycle, Cycle
    from workflow.services import prioritised_areas

    # Demo users get real password hashes; PBKDF2's deliberate slowness is for production.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        b = load_demo()
        a = MunicipalityFactory(slug="a-stadt", name="A-Stadt")
        users = {"anonymous": None}
        users["superuser"] = UserFactory(username="plattform", is_superuser=True, is_staff=True)
        # Not an outsider: B's own member, for the test that proves the walk sees B's data.
        users["member of B"] = Membership.objects.get(
            municipality=b, user__username="demo-mitglied"
        ).user
        for role in Role.values:
            user = UserFactory(username=f"a-{role}")
            MembershipFactory(user=user, municipality=a, roles=[role])
            users[role] = user

    o: dict[str, models.Model | str] = {"slug": b.slug}
    # B's municipal admin (the demo's first member).
    o["membership"] = Membership.objects.filter(municipality=b).order_by("pk").first()
    o["b_area_ids"] = list(Area.objects.filter(municipality=b).values_list("pk", flat=True))
    o["area"] = Area.objects.filter(municipality=b, level__depth=1).order_by("key").first()
    # An indicator that is B's internal business: not released, so even the public atlas of B
    # must not name it.
    o["indicator"] = Indicator.objects.create(
        municipality=b,
        topic=Indicator.objects.filter(municipality=b).first().topic,
        name=f"Interner Indikator {MARKER}",
        kind=Indicator.Kind.COUNT,
    )
    bookmark = Bookmark.objects.filter(municipality=b).first()
    Bookmark.objects.filter(pk=bookmark.pk).update(is_published=False)
    o["bookmark"] = _mark(bookmark, "title")
    poi = Poi.objects.filter(municipality=b).first()
    Poi.objects.filter(pk=poi.pk).update(is_released=False)
    o["poi"] = _mark(poi, "name")
    o["poi_category"] = PoiCategory.objects.filter(municipality=b).first()
    o["import_run"] = ImportRun.objects.create(
        municipality=b, kind=ImportRun.Kind.values[0], file_name=f"{MARKER}.csv"
    )
    # One conference that holds every kind of analysis object, so nested routes stay consistent.
    conference = (
        Conference.objects.filter(municipality=b, swot_entries__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    o["conference"] = _mark(conference, "name")
    o["conference_member"] = _mark(
        ConferenceMember.objects.filter(conference=conference).first(), "name"
    )
    session = conference.sessions.order_by("pk").first()
    o["session"] = _mark(session, "decisions")
    o["agenda_item"] = _mark(AgendaItem.objects.filter(session=session).first(), "title")
    o["action_item"] = _mark(
        ActionItem.objects.filter(session__conference__municipality=b).first(), "what"
    )
    catalogue = Catalogue.objects.filter(municipality=b).first()
    if catalogue is None:  # the demo fills KECK's own catalogues: B gets its own copy
        from conferences.services_sheets import copy_catalogue

        catalogue = copy_catalogue(
            user=o["membership"].user,
            municipality=b,
            catalogue=Catalogue.objects.filter(municipality=None).order_by("pk").first(),
        )
    o["catalogue"] = _mark(catalogue, "title")
    section = Section.objects.filter(catalogue=catalogue).first()
    o["section"] = _mark(section, "title")
    o["question"] = _mark(Question.objects.filter(section=section).first(), "text")
    sheet = Sheet.objects.filter(municipality=b, responses__isnull=False).distinct().first()
    o["sheet"] = _mark(sheet, "title")
    o["response"] = Response.objects.filter(sheet=sheet).order_by("pk").first()
    o["agreed_answer"] = AgreedAnswer.objects.filter(sheet__municipality=b).order_by("pk").first()
    o["value"] = Value.objects.filter(area__municipality=b).order_by("pk").first()
    o["swot"] = _mark(SwotEntry.objects.filter(conference=conference).first(), "text")
    o["finding"] = _mark(_first_of(Finding, conference), "text")
    o["need"] = _mark(_first_of(NeedForAction, conference), "text")
    o["field_of_action"] = _mark(_first_of(FieldOfAction, conference), "title")
    o["prioritisation"] = _mark(_first_of(Prioritisation, conference), "title")
    o["goal"] = _mark(Goal.objects.filter(municipality=b).first(), "title")
    substep = SubStep.objects.filter(measure__municipality=b).order_by("pk").first()
    o["substep"] = _mark(substep, "title")
    o["measure"] = _mark(substep.measure, "title")
    o["hypothesis"] = _mark(ImpactHypothesis.objects.filter(municipality=b).first(), "if_text")
    cycle = Cycle.objects.filter(municipality=b).order_by("-number").first()
    o["cycle"] = _mark(cycle, "title")
    o["area_cycle"] = AreaCycle.objects.filter(cycle=cycle).first()
    o["prioritised_area"] = (prioritised_areas(cycle) or [o["area"]])[0]
    # An open step of B's running cycle: completing it would be the most harmful write.
    o["task"] = (
        Task.objects.filter(process__in=[cycle.process_id], status__in=["NEW", "ASSIGNED"])
        .order_by("pk")
        .first()
        or Task.objects.filter(process=cycle.process_id).order_by("-pk").first()
    )
    o["report_run"] = ReportRun.objects.create(
        municipality=b, format=ReportRun.Format.DOCX, step=MARKER
    )
    o["support_grant"] = _ended_support_grant(b, o["membership"].user)
    # A catalogue entry B compares in the network (else any of B's catalogue codes).
    shared = Indicator.objects.filter(municipality=b).exclude(catalogue_code="")
    o["network_code"] = (
        shared.filter(network_shared=True).first() or shared.first()
    ).catalogue_code
    b_user = o["membership"].user
    extra = {
        "uidb64": (urlsafe_base64_encode(force_bytes(b_user.pk)),),
        # A valid reset token of B's user is a secret A does not have: only forged ones.
        "reset_token": ("set-password", "abc-0123456789abcdef"),
        "graphic_formats": tuple(GRAPHIC_FORMATS),
        "table_formats": tuple(TABLE_FORMATS),
    }
    assert default_token_generator.make_token(b_user) not in extra["reset_token"]
    world = World(a=a, b=b, users=users, objects=o, extra=extra)
    world.log_in_everyone()
    world.b_before = fingerprint(world)
    return world


def _ended_support_grant(b, b_admin):
    """A support grant of B (issue 11) that has ended: its operator reads nothing any more."""
    import datetime

    from django.utils import timezone

    from accounts.models import SupportGrant

    now = timezone.now()
    operator = UserFactory(username="b-betrieb", is_staff=True)
    return SupportGrant.objects.create(
        municipality=b,
        grantee=operator,
        granted_by=b_admin,
        reason=MARKER,
        starts_at=now - datetime.timedelta(days=9),
        ends_at=now - datetime.timedelta(days=2),
    )


def _first_of(model, conference):
    return model.objects.filter(conference=conference).order_by("pk").first()


# --------------------------------------------------------------------------------------------
# What B holds, to prove that writes changed nothing


def _path_to_municipality(model, depth: int = 0) -> str | None:
    """The lookup from `model` to its municipality along foreign keys, e.g. `session__conference
    __municipality`; None where there is none within four steps."""
    if model is Municipality:
        return "pk"
    if depth > 4:
        return None
    candidates = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    candidates.sort(key=lambda f: f.name != "municipality")
    for fk in candidates:
        target = fk.related_model
        if target is Municipality:
            return fk.name
        if target is model:
            continue
        rest = _path_to_municipality(target, depth + 1)
        if rest is not None:
            return f"{fk.name}__{rest}"
    return None


_APPS = ("accounts", "atlas_data", "conferences", "measures", "workflow", "viewflow")


def fingerprint(world: World) -> dict[str, str]:
    """A hash of every row of B per model (models without a way to B: every row)."""
    result = {}
    user_model = get_user_model()
    for model in apps.get_models():
        if model._meta.app_label not in _APPS or model._meta.proxy:
            continue
        path = _path_to_municipality(model)
        queryset = model.objects.all()
        if path == "pk":
            queryset = queryset.filter(pk=world.b.pk)
        elif path is not None:
            queryset = queryset.filter(**{path: world.b})
        rows = list(queryset.order_by("pk").values_list())
        result[model._meta.label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    members = user_model.objects.filter(memberships__municipality=world.b).order_by("pk")
    result["users of B"] = hashlib.sha256(
        repr(list(members.values_list("pk", "username", "email", "password", "is_active"))).encode()
    ).hexdigest()
    return result


# --------------------------------------------------------------------------------------------
# Reading bodies


def body_text(response) -> str:
    """Everything a response tells: its body (streamed or not, files unpacked), its Location."""
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    parts = [response.get("Location", "")]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    elif data.startswith(b"%PDF"):
        parts.append(pdf_text(data))
    else:
        parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# The checks


# Routes that B's public atlas serves to everyone by design (domain.md §3: "the public sees
# released data and published bookmarks only"), and the public lists of municipalities. A's
# users and the public may get them; they must still show nothing internal of B (the marker sits
# on an unreleased indicator, an unpublished bookmark and an unreleased POI, which these routes
# must refuse or leave out). Writes to them must change nothing (see walk_route).
PUBLIC_BY_DESIGN = {
    "": "the home page lists the public atlases",
    "api/v1/municipalities/": "the API's list of municipalities with a public atlas",
    "atlas/<slug:slug>/": "B's public atlas",
    "atlas/<slug:slug>/explore/": "B's public atlas: released indicators",
    "atlas/<slug:slug>/areas/<int:pk>/": "B's public atlas: an area with its released values",
    "atlas/<slug:slug>/pois/": "B's public atlas: released POIs",
    "atlas/<slug:slug>/report/": "B's public area report of released indicators",
    "atlas/<slug:slug>/report.docx": "B's public area report of released indicators",
    "atlas/<slug:slug>/report.pdf": "B's public area report of released indicators",
    "atlas/<slug:slug>/indicators/<int:pk>/": "the public indicator page (404 for unreleased)",
    "atlas/<slug:slug>/bookmarks/<int:pk>/": "a published bookmark (404 for unpublished)",
    "api/v1/municipalities/<slug:slug>/levels/": "public API: B's spatial levels",
    "api/v1/municipalities/<slug:slug>/areas/": "public API: B's areas",
    "api/v1/municipalities/<slug:slug>/indicators/": "public API: released indicators",
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/values/": "public API: released",
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/map/": "public API: released",
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/map.<str:fmt>": "public: released",
    "api/v1/municipalities/<slug:slug>/chart.<str:fmt>": "public API: released indicators",
    "api/v1/municipalities/<slug:slug>/table.<str:fmt>": "public API: released indicators",
    "api/v1/municipalities/<slug:slug>/table/": "public API: released indicators",
    "api/v1/municipalities/<slug:slug>/pois/": "public API: released POIs",
    "api/v1/municipalities/<slug:slug>/bookmarks/": "public API: published bookmarks",
    "atlas/<slug:slug>/institutions/": "B's public atlas: released values of institutions",
    "atlas/<slug:slug>/institutions.csv": "B's public atlas: released values of institutions",
    "api/v1/municipalities/<slug:slug>/institution-values/": "public API: released values",
    "api/v1/municipalities/<slug:slug>/institution-comparison/": "public API: released values",
    # The KECK network compares released indicators of the municipalities that opted in; B's
    # name and shared numbers appear there by design (the marker sits on no shared indicator).
    "netzwerk/": "the public network comparison",
    "netzwerk/<slug:code>/": "the public network comparison of one catalogue entry",
    "api/v1/network/": "public API of the network comparison",
    "api/v1/network/<slug:code>/": "public API of the network comparison",
    # Django's password reset: with a forged token for a user of B it shows "link invalid" and
    # sets nothing; what matters is that no B data appears and B's password stays (fingerprint).
    "accounts/reset/<uidb64>/<token>/": "the password reset form answers every link alike",
}
# Texts of B that may appear on those routes only: B's name (its public atlas carries it).
PUBLIC_TEXTS_OF_B = ("Landkreis Vechta",)

REFUSED = {401, 403, 404, 405}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


@dataclass
class Finding:
    identity: str
    method: str
    url: str
    problem: str

    def __str__(self):
        return f"{self.method.upper()} {self.url} as {self.identity}: {self.problem}"


def _points_at_b(route: Route) -> bool:
    """Does a path argument name one of B's objects (not only a file format or template)?"""
    names = [name for _segment, _converter, name in route.arguments]
    if names == ["kind", "ref"]:  # history pages: always an object of B
        return True
    return any(
        not isinstance(kind_of(route, segment, name), tuple)
        and kind_of(route, segment, name) not in ("graphic_formats", "table_formats")
        for segment, _converter, name in route.arguments
    )


def check_response(route: Route, url: str, identity: str, method: str, response) -> list[Finding]:
    findings = []
    status = response.status_code
    public = route.pattern in PUBLIC_BY_DESIGN
    points_at_b = _points_at_b(route)
    if status >= 500:
        findings.append(Finding(identity, method, url, f"server error {status}"))
    elif points_at_b and not public and not (status in REFUSED or _login_redirect(response)):
        findings.append(Finding(identity, method, url, f"not refused: {status}"))
    text = body_text(response)
    if MARKER in text:
        findings.append(Finding(identity, method, url, "B's internal marker in the response"))
    if not public:
        for secret in PUBLIC_TEXTS_OF_B:
            if secret in text:
                findings.append(Finding(identity, method, url, f"'{secret}' in the response"))
    return findings


def rows_written() -> int:
    """How many rows the current connection has inserted, updated or deleted so far: a cheap
    check whether a request wrote anything at all (the full fingerprint only runs then)."""
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    with connection.cursor() as cursor:  # PostgreSQL: the statistics of this transaction
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        )
        return int(cursor.fetchone()[0])


def walk_route(
    route: Route,
    world: World,
    *,
    identities: tuple[str, ...] = IDENTITIES,
    writers: tuple[str, ...] = ("anonymous", Role.MUNICIPAL_ADMIN),
) -> list[Finding]:
    """GET as every identity (and with query parameters naming B's objects as A's member);
    writes as the anonymous public and as A's municipal admin, who holds every action in A: a
    check that lets a lower role through lets the admin through too. B must be unchanged
    afterwards."""
    findings: list[Finding] = []
    urls = urls_for(route, world)
    query = world.query_pointing_at_b()
    clients = {identity: world.client(identity) for identity in {*identities, *writers}}
    for url in urls:
        for identity in identities:
            client = clients[identity]
            targets = [url]
            if identity == Role.MEMBER:
                targets.append(f"{url}?{query}")
            for target in targets:
                response = client.get(target)
                findings += check_response(route, target, identity, "get", response)
    written = rows_written()
    for url in urls:
        for identity in writers:
            # Anonymous writes stop at authentication, whatever the method.
            for method in route.writes if identity != "anonymous" else route.writes[:1]:
                send = getattr(clients[identity], method)
                if route.is_api:
                    response = send(url, data={}, content_type="application/json")
                else:
                    response = send(url, data={})
                findings += check_response(route, url, identity, method, response)
    if rows_written() != written:
        after = fingerprint(world)
        changed = sorted(label for label in after if world.b_before[label] != after[label])
        if changed:
            findings.append(Finding("anyone", "write", str(route), f"B changed: {changed}"))
    return findings
