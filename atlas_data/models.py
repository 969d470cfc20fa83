"""Tables of the data atlas: spatial levels, areas, topics, indicators, values and releases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Municipality


class SpatialLevel(models.Model):
    """A spatial level (Raumebene) of a municipality; depth 0 is the whole municipality."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=100)
    depth = models.PositiveSmallIntegerField(_("depth"), help_text=_("0 = whole municipality"))

    class Meta:
        verbose_name = _("spatial level")
        verbose_name_plural = _("spatial levels")
        ordering = ["municipality", "depth"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="unique_level_slug"),
            models.UniqueConstraint(fields=["municipality", "depth"], name="unique_level_depth"),
        ]

    def __str__(self):
        return self.name


class Area(models.Model):
    """An area (Gebiet) of a level, with its official or local key and an optional polygon."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="areas", verbose_name=_("municipality")
    )
    level = models.ForeignKey(
        SpatialLevel, on_delete=models.CASCADE, related_name="areas", verbose_name=_("level")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    key = models.CharField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    # GeoJSON geometry objects in EPSG:4326: the full one for analysis and print, a simplified
    # one (shared borders kept) for the web map.
    geometry = models.JSONField(_("geometry"), null=True, blank=True)
    web_geometry = models.JSONField(_("web geometry"), null=True, blank=True)
    geometry_source = models.CharField(_("geometry source"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level__depth", "key"]
        constraints = [
            models.UniqueConstraint(fields=["level", "key"], name="unique_area_key_per_level"),
        ]
        indexes = [models.Index(fields=["municipality", "key"])]

    def __str__(self):
        return f"{self.name} ({self.key})"


class Topic(models.Model):
    """A topic (Themenfeld) of a municipality's indicators; data admins may be limited to some."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="topics",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_topic_code"),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """An indicator (Kennzahl) with the metadata of domain.md §3."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        SHARE = "share", _("Share (%)")
        RATE = "rate", _("Rate per N")
        MEAN = "mean", _("Mean")
        INDEX = "index", _("Index")

    class Polarity(models.TextChoices):
        HIGHER_BETTER = "higher_better", _("Higher is better")
        HIGHER_WORSE = "higher_worse", _("Higher is worse")
        NEUTRAL = "neutral", _("Neutral")

    class SizeReference(models.TextChoices):
        POPULATION = "population", _("Inhabitants")
        CHILDREN = "children", _("Children of an age group")

    class ObservationUnit(models.TextChoices):
        AREA = "area", _("Areas")
        INSTITUTION = "institution", _("Institutions")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("municipality"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("topic"),
    )
    # mandatory before release
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNT)
    rate_base = models.PositiveIntegerField(
        _("rate base"), default=100, help_text=_("100 for percent, 1000 for per mille, …")
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    data_holder = models.CharField(_("data holder"), max_length=300, blank=True)
    reference_date = models.CharField(
        _("reference date or period"), max_length=100, blank=True, help_text=_("e.g. 31.12.")
    )
    # Blank until a data admin decides: "neutral" is a real answer, not a default, and release
    # requires one.
    polarity = models.CharField(
        _("polarity"), max_length=15, choices=Polarity.choices, blank=True, default=""
    )
    valid_levels = models.ManyToManyField(
        SpatialLevel, blank=True, related_name="indicators", verbose_name=_("valid levels")
    )
    # optional
    interpretation = models.TextField(_("interpretation notes"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    numerator_definition = models.CharField(_("numerator"), max_length=300, blank=True)
    denominator_definition = models.CharField(_("denominator"), max_length=300, blank=True)
    update_rhythm = models.CharField(_("update rhythm"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    relevant_for = models.CharField(_("relevant for steering in"), max_length=200, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=1)
    size_reference = models.CharField(
        _("use for area size warnings"),
        max_length=10,
        choices=SizeReference.choices,
        blank=True,
        default="",
        help_text=_(
            "Mark the indicator that counts the inhabitants or the children of an age group, "
            "so that levels with too small areas get a warning."
        ),
    )
    catalogue_code = models.CharField(
        _("starter catalogue entry"), max_length=60, blank=True, db_index=True
    )
    # What the values describe: areas (the atlas' usual case), or institutions (POIs, e.g. the
    # aggregated results of a structured observation per Kita); institution values roll up to
    # the areas the institutions lie in, weighted by their denominators.
    observation_unit = models.CharField(
        _("values per"),
        max_length=12,
        choices=ObservationUnit.choices,
        default=ObservationUnit.AREA,
    )
    # Which institutions report an institution-level indicator (e.g. Kita): values of POIs of
    # another category are refused; meaningless for values per area.
    institution_category = models.ForeignKey(
        "PoiCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="institution_indicators",
        verbose_name=_("category of the institutions"),
        help_text=_(
            "Only for values per institution: the category of points of interest that report "
            "the values (e.g. Kita; its subcategories count too). Values of institutions of "
            "other categories are refused. Empty: every category."
        ),
    )
    # Opt-in per indicator: released values are compared with other municipalities of the KECK
    # network that link the same starter catalogue entry.
    network_shared = models.BooleanField(
        _("compare in the KECK network"),
        default=False,
        help_text=_(
            "Released values of this indicator appear in the comparison of the KECK network "
            "(only indicators linked to an entry of the starter catalogue)."
        ),
    )
    created = models.DateTimeField(auto_now_add=True)
    # The valid levels are metadata too: their history is kept with the other fields.
    history = HistoricalRecords(m2m_fields=[valid_levels])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["municipality", "topic__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_indicator_name"),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def is_count(self) -> bool:
        return self.kind == self.Kind.COUNT


class Value(models.Model):
    """One indicator value for one area and year. A missing value is no row, never zero."""

    class Status(models.TextChoices):
        OK = "ok", _("Value")
        SOURCE_SUPPRESSED = "source_suppressed", _("Suppressed at source (k. A.)")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="values", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OK)
    # A "Durchschnitt"/"Summe" row of a published table: kept exactly as published and always
    # preferred over a value computed from the areas below.
    is_published_total = models.BooleanField(_("published total"), default=False)
    source_note = models.CharField(_("source note"), max_length=300, blank=True)
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: every save through a service states the version it read and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "year"], name="unique_value_per_indicator_area_year"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self):
        return f"{self.indicator_id}/{self.area_id}/{self.year}: {self.value}"


class ValueChange(models.Model):
    """History of values: who changed which value when, and what it was before."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    old_value = models.FloatField(null=True)
    old_numerator = models.FloatField(null=True)
    old_denominator = models.FloatField(null=True)
    old_status = models.CharField(max_length=20, blank=True)
    new_value = models.FloatField(null=True)
    new_numerator = models.FloatField(null=True)
    new_denominator = models.FloatField(null=True)
    # "" on either side means there was (or is) no value: a creation or a removal.
    new_status = models.CharField(max_length=20, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    import_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["indicator", "area", "year"])]

    def __str__(self):
        return (
            f"{self.indicator_id}/{self.area_id}/{self.year}: {self.old_value} → {self.new_value}"
        )

    @property
    def cell_ref(self) -> str:
        """The value this change belongs to, as the history page names it."""
        return f"{self.indicator_id}-{self.area_id}-{self.year}"

    @classmethod
    def between(cls, *, indicator, area_id: int, year: int, before, after, user) -> "ValueChange":
        """The (unsaved) change from the stored value `before` (None: there was none) to
        `after` = (value, numerator, denominator, status) (None: the value is removed)."""
        value, numerator, denominator, status = after if after is not None else (None,) * 3 + ("",)
        return cls(
            indicator=indicator,
            area_id=area_id,
            year=year,
            old_value=before.value if before else None,
            old_numerator=before.numerator if before else None,
            old_denominator=before.denominator if before else None,
            old_status=before.status if before else "",
            new_value=value,
            new_numerator=numerator,
            new_denominator=denominator,
            new_status=status,
            changed_by=user,
        )


class IndicatorRelease(models.Model):
    """Release (Freigabe) of one indicator for one year: only released data is public."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="releases", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    released_at = models.DateTimeField(auto_now_add=True)
    # Withdrawing deletes the row; the history keeps who released and withdrew when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="unique_release"),
        ]

    def __str__(self):
        return f"{self.indicator_id}/{self.year}"


class ImportRun(models.Model):
    """One import of a file (areas or values): its state, progress and the problems found."""

    class Kind(models.TextChoices):
        AREAS = "areas", _("Areas")
        VALUES = "values", _("Values")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0


class Bookmark(models.Model):
    """A saved atlas view (Lesezeichen) with an interpretation; may be published to the public."""

    class View(models.TextChoices):
        MAP = "map", _("Map")
        TABLE = "table", _("Table")
        CHART = "chart", _("Chart")
        REPORT = "report", _("Area report")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="bookmarks",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    interpretation = models.TextField(_("interpretation"), blank=True)
    view = models.CharField(_("view"), max_length=10, choices=View.choices, default=View.MAP)
    # The whole view state (level, indicators, year, classification, chart type, areas …) as the
    # query parameters of the view's URL, so that the bookmark reproduces the view exactly.
    state = models.JSONField(_("view state"), default=dict, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-updated"]

    def __str__(self):
        return self.title


class PoiCategory(models.Model):
    """A category of points of interest; a municipality-editable tree (Kita, Grundschule …)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="poi_categories",
        verbose_name=_("municipality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    icon = models.CharField(_("icon"), max_length=60, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#1d5c7a")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("POI category")
        verbose_name_plural = _("POI categories")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="unique_poi_category"),
        ]

    def __str__(self):
        return self.name


class Poi(models.Model):
    """A point of interest: an institution or offer at an address (Institutionenwissen)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="pois", verbose_name=_("municipality")
    )
    category = models.ForeignKey(
        PoiCategory, on_delete=models.PROTECT, related_name="pois", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # WGS 84 (EPSG:4326); imports reproject projected coordinates.
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    capacity = models.PositiveIntegerField(_("capacity (places)"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    target_age_min = models.PositiveSmallIntegerField(_("target age from"), null=True, blank=True)
    target_age_max = models.PositiveSmallIntegerField(_("target age to"), null=True, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    concept_notes = models.TextField(_("notes on the concept"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_released = models.BooleanField(_("released"), default=False)
    areas = models.ManyToManyField(Area, blank=True, related_name="pois", verbose_name=_("areas"))
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        ordering = ["municipality", "category__order", "name"]
        indexes = [models.Index(fields=["municipality", "category"])]

    def __str__(self):
        return self.name


class InstitutionValue(models.Model):
    """One value of an institution-level indicator for one institution (POI) and year.

    E.g. the share of observed children with a strong interest in science at one Kita:
    numerator and denominator (the observed children) are kept, so that small groups within an
    institution are suppressed like small counts of an area, and the values roll up to areas
    weighted by the denominators.
    """

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="institution_values",
        verbose_name=_("indicator"),
    )
    poi = models.ForeignKey(
        Poi, on_delete=models.CASCADE, related_name="values", verbose_name=_("institution")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Value.Status.choices, default=Value.Status.OK
    )
    source_note = models.CharField(_("source note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution value")
        verbose_name_plural = _("institution values")
        ordering = ["indicator", "poi", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "poi", "year"], name="unique_value_per_indicator_poi_year"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self):
        return f"{self.indicator_id}/{self.poi_id}/{self.year}: {self.value}"
