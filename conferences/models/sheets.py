"""Reflection sheets (Reflexionsbögen): versioned question catalogues, filled sheets, the
individual answers of each respondent and the one agreed answer per question."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Municipality


class ConferenceStep(models.TextChoices):
    """The ten steps of the two conferences (domain.md §4)."""

    PLANNING_1 = "planning_1", _("Social planning conference 1: Create transparency")
    PLANNING_2 = "planning_2", _("Social planning conference 2: Analyse data for the municipality")
    PLANNING_3 = "planning_3", _("Social planning conference 3: Name needs and define goals")
    PLANNING_4 = "planning_4", _("Social planning conference 4: Work out measures and activities")
    PLANNING_5 = "planning_5", _("Social planning conference 5: Measure progress and results")
    AREA_1 = "area_1", _("Social area conference 1: Create transparency")
    AREA_2 = "area_2", _("Social area conference 2: Analyse data for the area")
    AREA_3 = "area_3", _("Social area conference 3: Define fields of action and derive goals")
    AREA_4 = "area_4", _("Social area conference 4: Carry out measures and activities")
    AREA_5 = "area_5", _("Social area conference 5: Reflect on the effects")


class Catalogue(models.Model):
    """One version of a question catalogue; `lineage` ties the versions of a catalogue together.

    Shipped defaults have no municipality. A catalogue that sheets use is never changed:
    editing it creates the next version (copy-on-write), so old sheets keep their questions.
    """

    class Kind(models.TextChoices):
        VORPHASE = "vorphase", _("Preliminary phase: focus of the work")
        CONFERENCE_STEPS = "conference_steps", _("Steps of the conferences")
        STATE_OF_WORK = "state_of_work", _("State of the work")
        PROCESS_EVALUATION = "process_evaluation", _("Process evaluation")
        STICKING_POINTS = "sticking_points", _("Sticking points of integrated planning")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalogues",
        verbose_name=_("municipality"),
        help_text=_("Empty for the catalogues KECK ships."),
    )
    lineage = models.CharField(_("lineage"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("based on"),
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("question catalogue")
        verbose_name_plural = _("question catalogues")
        ordering = ["kind", "municipality", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "version"], name="unique_catalogue_lineage_version"
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_default(self) -> bool:
        return self.municipality_id is None


class Section(models.Model):
    """An aspect of a catalogue with its questions; may stand for one of the ten conference
    steps."""

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="sections", verbose_name=_("catalogue")
    )
    key = models.CharField(_("key"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    step = models.CharField(
        _("conference step"), max_length=12, choices=ConferenceStep.choices, blank=True
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["catalogue", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "key"], name="unique_section_key"),
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A reflection question. `key` stays the same in every version and copy of the catalogue,
    so answers can be compared across cycles."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    key = models.CharField(_("key"), max_length=64, db_index=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("question"))
    help = models.TextField(_("help"), blank=True)
    has_yes_no = models.BooleanField(_("answer Yes / No"), default=True)
    has_explanation = models.BooleanField(_("explanation"), default=True)
    explanation_label = models.CharField(
        _("label of the explanation"),
        max_length=200,
        blank=True,
        help_text=_("Empty: “Explanation of content”."),
    )
    options = models.JSONField(
        _("checklist options"), default=list, blank=True, help_text=_("One option per line.")
    )
    allow_other = models.BooleanField(_("“other” allowed"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_DISCUSSED = "not_discussed", _("not yet discussed")


class Sheet(models.Model):
    """A catalogue version filled for one cycle, optionally in a conference session."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="sheets",
        verbose_name=_("municipality"),
    )
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("catalogue")
    )
    title = models.CharField(_("title"), max_length=200)
    # The workflow issue links a real cycle later; until then the number orders the comparison.
    cycle_number = models.PositiveIntegerField(_("cycle number"), null=True, blank=True)
    cycle_label = models.CharField(_("cycle"), max_length=100, blank=True)
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sheets",
        verbose_name=_("conference"),
    )
    session = models.ForeignKey(
        "conferences.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sheets",
        verbose_name=_("session"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("reflection sheet")
        verbose_name_plural = _("reflection sheets")
        ordering = ["municipality", "-created", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class AnswerFields(models.Model):
    """What an answer holds: Ja / Nein / not yet discussed, explanation, checklist choices."""

    answer = models.CharField(_("answer"), max_length=14, choices=Answer.choices, blank=True)
    explanation = models.TextField(_("explanation of content"), blank=True)
    choices = models.JSONField(_("checklist"), default=list, blank=True)
    other_text = models.CharField(_("other"), max_length=500, blank=True)
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_empty(self) -> bool:
        return not (self.answer or self.explanation.strip() or self.choices or self.other_text)


class Response(AnswerFields):
    """One respondent's own answer to one question of a sheet."""

    sheet = models.ForeignKey(
        Sheet, on_delete=models.CASCADE, related_name="responses", verbose_name=_("sheet")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="responses", verbose_name=_("question")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sheet_responses",
        verbose_name=_("respondent"),
    )
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("individual answer")
        verbose_name_plural = _("individual answers")
        ordering = ["sheet", "question", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "question", "respondent"], name="unique_sheet_response"
            ),
        ]

    def __str__(self):
        return f"{self.respondent} – {self.question}"


class AgreedAnswer(AnswerFields):
    """The answer the group agreed on, consolidated by the coordinator; individual answers stay."""

    sheet = models.ForeignKey(
        Sheet, on_delete=models.CASCADE, related_name="agreed_answers", verbose_name=_("sheet")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="agreed_answers",
        verbose_name=_("question"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("agreed answer")
        verbose_name_plural = _("agreed answers")
        ordering = ["sheet", "question"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "question"], name="unique_agreed_answer"),
        ]

    def __str__(self):
        return f"{self.sheet} – {self.question}"
