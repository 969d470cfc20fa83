"""The SMART check of an impact goal: per criterion, whether it is filled and sound.

Guidance for the conference, never a blocker: the services save a goal whatever the check says.
`check` is pure (the goal's values, facts from the atlas, today's date); `facts_from_atlas`
gathers those facts through the atlas selectors and the one suppression function.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.permissions import file_reader
from atlas_data.models import Indicator
from atlas_data.selectors import indicator_years
from atlas_data.suppression import (
    STATUS_MISSING,
    STATUS_OK,
    STATUS_SUPPRESSED,
    format_number,
    indicator_values,
)

OK = "ok"
WARNING = "warning"
MISSING = "missing"
_SEVERITY = {OK: 0, WARNING: 1, MISSING: 2}
STATE_LABELS = {
    OK: gettext_lazy("fulfilled"),
    WARNING: gettext_lazy("please check"),
    MISSING: gettext_lazy("missing"),
}

# A reasoning shorter than this (characters or words) says too little to be checked by others.
MIN_REASON_CHARS = 40
MIN_REASON_WORDS = 6


@dataclass(frozen=True)
class Note:
    state: str
    text: str


@dataclass(frozen=True)
class Criterion:
    letter: str  # S, M, A, R or T
    name: str
    question: str
    notes: tuple[Note, ...]

    @property
    def state(self) -> str:
        return max((note.state for note in self.notes), key=_SEVERITY.__getitem__, default=OK)

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def explanation(self) -> str:
        return " ".join(note.text for note in self.notes)


@dataclass(frozen=True)
class SmartCheck:
    criteria: tuple[Criterion, ...]

    def __getitem__(self, letter: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.letter == letter:
                return criterion
        raise KeyError(letter)  # templates then look for an attribute of that name

    @property
    def fulfilled(self) -> int:
        return sum(1 for c in self.criteria if c.state == OK)

    @property
    def is_sound(self) -> bool:
        return all(c.state == OK for c in self.criteria)


@dataclass(frozen=True)
class GoalFacts:
    """The values of a goal the check looks at (from a saved goal or from a form)."""

    target_group: str = ""
    area_names: tuple[str, ...] = ()
    measurement_area: str = ""  # the area's name
    indicator: str = ""  # the indicator's name; "" for a qualitative goal
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_value: float | None = None
    direction: str = ""  # Goal.Direction value
    qualitative_criterion: str = ""
    acceptance: str = ""
    realism: str = ""
    deadline: datetime.date | None = None

    @classmethod
    def from_goal(cls, goal) -> GoalFacts:
        return cls(
            target_group=goal.target_group,
            area_names=tuple(area.name for area in goal.areas.all()),
            measurement_area=goal.measurement_area.name if goal.measurement_area_id else "",
            indicator=goal.indicator.name if goal.indicator_id else "",
            baseline_year=goal.baseline_year,
            baseline_value=goal.baseline_value,
            target_value=goal.target_value,
            direction=goal.direction,
            qualitative_criterion=goal.qualitative_criterion,
            acceptance=goal.acceptance,
            realism=goal.realism,
            deadline=goal.deadline,
        )

    @classmethod
    def from_data(cls, data: Mapping, *, baseline_value: float | None) -> GoalFacts:
        """From cleaned form data (model instances for links), before the goal is saved."""
        indicator = data.get("indicator")
        area = data.get("measurement_area")
        return cls(
            target_group=(data.get("target_group") or "").strip(),
            area_names=tuple(a.name for a in data.get("areas") or ()),
            measurement_area=area.name if area is not None else "",
            indicator=indicator.name if indicator is not None else "",
            baseline_year=data.get("baseline_year"),
            baseline_value=baseline_value,
            target_value=data.get("target_value"),
            direction=data.get("direction") or "",
            qualitative_criterion=(data.get("qualitative_criterion") or "").strip(),
            acceptance=(data.get("acceptance") or "").strip(),
            realism=(data.get("realism") or "").strip(),
            deadline=data.get("deadline"),
        )


@dataclass(frozen=True)
class AtlasFacts:
    """What the atlas says about the goal's indicator, as a member sees it."""

    polarity: str = ""  # Indicator.Polarity value; "" when not decided yet
    years: tuple[int, ...] = ()  # years with values
    released: tuple[int, ...] = ()  # released years
    baseline_status: str = ""  # STATUS_OK / STATUS_SUPPRESSED / STATUS_MISSING; "" unknown
    baseline_value: float | None = None
    decimals: int = 1
    unit: str = ""
    kind: str = ""

    def format(self, value: float) -> str:
        return format_number(value, decimals=self.decimals, unit=self.unit, kind=self.kind)


def facts_from_atlas(*, user, municipality, indicator, area=None, year=None) -> AtlasFacts:
    """The polarity, the years with values and released years of `indicator`, and the state of
    its value in `area` and `year` as a member reads it (suppressed stays suppressed, also for
    data admins: the goal stores what every member may see)."""
    years = indicator_years(user=user, municipality=municipality, indicators=[indicator])[
        indicator.pk
    ]
    status, value = "", None
    reader = file_reader(user, municipality)
    if area is not None and year is not None and reader is not None:
        shown = indicator_values(user=reader, indicator=indicator, year=year).shown.get(area.pk)
        status = shown.status if shown is not None else STATUS_MISSING
        value = shown.value if status == STATUS_OK else None
    return AtlasFacts(
        polarity=indicator.polarity,
        years=tuple(years.years),
        released=tuple(years.released),
        baseline_status=status,
        baseline_value=value,
        decimals=indicator.decimals,
        unit=indicator.unit,
        kind=indicator.kind,
    )


def _reasoned(text: str) -> bool:
    return len(text) >= MIN_REASON_CHARS and len(text.split()) >= MIN_REASON_WORDS


def _specific(goal: GoalFacts) -> list[Note]:
    notes = []
    if goal.target_group:
        notes.append(Note(OK, _("Target group: %(group)s.") % {"group": goal.target_group}))
    else:
        notes.append(Note(MISSING, _("Name the target group: who shall be reached?")))
    areas = list(goal.area_names) or ([goal.measurement_area] if goal.measurement_area else [])
    if areas:
        notes.append(Note(OK, _("Areas: %(areas)s.") % {"areas": ", ".join(areas)}))
    else:
        notes.append(Note(WARNING, _("Name the areas in which the goal shall be reached.")))
    return notes


def _direction_notes(goal: GoalFacts, atlas: AtlasFacts) -> list[Note]:
    baseline, target = goal.baseline_value, goal.target_value
    values = {"target": atlas.format(target), "baseline": atlas.format(baseline)}
    if target == baseline:
        return [Note(WARNING, _("The target value equals the baseline value."))]
    notes = []
    rises = target > baseline
    if goal.direction == "increase" and not rises:
        notes.append(
            Note(WARNING, _("The direction is “increase”, but the target lies below the baseline."))
        )
    elif goal.direction == "decrease" and rises:
        notes.append(
            Note(WARNING, _("The direction is “decrease”, but the target lies above the baseline."))
        )
    if atlas.polarity == Indicator.Polarity.HIGHER_BETTER:
        if rises:
            notes.append(
                Note(
                    OK,
                    _(
                        "Higher is better for this indicator, and the target %(target)s lies "
                        "above the baseline %(baseline)s."
                    )
                    % values,
                )
            )
        else:
            notes.append(
                Note(
                    WARNING,
                    _(
                        "Higher is better for this indicator, but the target %(target)s lies "
                        "below the baseline %(baseline)s: the goal would be a deterioration."
                    )
                    % values,
                )
            )
    elif atlas.polarity == Indicator.Polarity.HIGHER_WORSE:
        if not rises:
            notes.append(
                Note(
                    OK,
                    _(
                        "Lower is better for this indicator, and the target %(target)s lies "
                        "below the baseline %(baseline)s."
                    )
                    % values,
                )
            )
        else:
            notes.append(
                Note(
                    WARNING,
                    _(
                        "Lower is better for this indicator, but the target %(target)s lies "
                        "above the baseline %(baseline)s: the goal would be a deterioration."
                    )
                    % values,
                )
            )
    elif atlas.polarity == Indicator.Polarity.NEUTRAL:
        notes.append(
            Note(
                OK,
                _(
                    "The indicator is neutral: a change from %(baseline)s to %(target)s can be a "
                    "goal; the acceptance says why."
                )
                % values,
            )
        )
    else:
        notes.append(
            Note(
                WARNING,
                _(
                    "The indicator has no polarity yet, so it is unclear whether a change from "
                    "%(baseline)s to %(target)s is an improvement: ask the data administration."
                )
                % values,
            )
        )
    return notes


def _measurable(goal: GoalFacts, atlas: AtlasFacts | None) -> list[Note]:
    if not goal.indicator:
        if not goal.qualitative_criterion:
            return [
                Note(MISSING, _("Choose an atlas indicator or describe a qualitative criterion."))
            ]
        if not _reasoned(goal.qualitative_criterion):
            return [
                Note(
                    WARNING,
                    _(
                        "The qualitative criterion is very short: describe how the conference "
                        "will see that the goal is reached."
                    ),
                )
            ]
        return [
            Note(
                OK,
                _(
                    "Qualitative criterion described; without an indicator, the conference "
                    "judges the attainment itself."
                ),
            )
        ]
    atlas = atlas or AtlasFacts()
    notes = []
    if not goal.measurement_area:
        notes.append(Note(MISSING, _("Choose the area in which the indicator is measured.")))
    if goal.baseline_year is None:
        notes.append(Note(MISSING, _("Choose the baseline year.")))
    if goal.target_value is None:
        notes.append(Note(MISSING, _("Set the target value.")))
    if goal.baseline_year is not None and goal.measurement_area:
        where = {"area": goal.measurement_area, "year": goal.baseline_year}
        if goal.baseline_value is None:
            if atlas.baseline_status == STATUS_SUPPRESSED:
                notes.append(
                    Note(
                        WARNING,
                        _(
                            "The value for %(area)s in %(year)s is suppressed (k. A.) for data "
                            "protection, so the goal has no baseline: choose another year or a "
                            "larger area."
                        )
                        % where,
                    )
                )
            else:
                notes.append(
                    Note(
                        WARNING,
                        _(
                            "The atlas has no value for %(area)s in %(year)s, so the goal has no "
                            "baseline: choose a year with a value."
                        )
                        % where,
                    )
                )
        if goal.baseline_year in atlas.released:
            notes.append(
                Note(OK, _("The indicator is released for %(year)s.") % where),
            )
        elif goal.baseline_year in atlas.years:
            notes.append(
                Note(
                    OK,
                    _(
                        "The values for %(year)s are in the atlas but not released yet "
                        "(release planned)."
                    )
                    % where,
                )
            )
        elif goal.baseline_value is not None:
            notes.append(
                Note(WARNING, _("The indicator has no values for %(year)s in the atlas.") % where)
            )
    if goal.baseline_value is not None and goal.target_value is not None:
        notes.extend(_direction_notes(goal, atlas))
    return notes


def _reasoning(text: str, *, empty: str, short: str, fine: str) -> list[Note]:
    if not text:
        return [Note(MISSING, empty)]
    if not _reasoned(text):
        return [Note(WARNING, short)]
    return [Note(OK, fine)]


def _time_bound(goal: GoalFacts, today: datetime.date) -> list[Note]:
    if goal.deadline is None:
        return [Note(MISSING, _("Set a deadline: by when shall the goal be reached?"))]
    notes = []
    when = {"date": goal.deadline.strftime("%d.%m.%Y")}
    if goal.deadline <= today:
        notes.append(Note(WARNING, _("The deadline %(date)s is not in the future.") % when))
    else:
        notes.append(Note(OK, _("Deadline: %(date)s.") % when))
    if goal.indicator and goal.baseline_year is not None:
        # Values refer to a reference date in their year (usually 31.12.) and are published
        # afterwards: by the deadline, at best the previous year's data exist.
        last_year = goal.deadline.year - 1
        years = {"last": last_year, "baseline": goal.baseline_year}
        if last_year <= goal.baseline_year:
            notes.append(
                Note(
                    WARNING,
                    _(
                        "By the deadline, the atlas can hold data up to %(last)s at best: no "
                        "year after the baseline year %(baseline)s, so the attainment cannot "
                        "be measured in time."
                    )
                    % years,
                )
            )
        else:
            notes.append(
                Note(
                    OK,
                    _(
                        "By the deadline, data up to %(last)s can be in the atlas, later than "
                        "the baseline year %(baseline)s."
                    )
                    % years,
                )
            )
    return notes


def check(goal: GoalFacts, *, atlas: AtlasFacts | None, today: datetime.date) -> SmartCheck:
    """The five criteria of `goal`; `atlas` describes its indicator (None: qualitative goal)."""
    return SmartCheck(
        criteria=(
            Criterion(
                "S",
                pgettext("SMART criterion", "Specific"),
                _("Who or what shall be reached?"),
                tuple(_specific(goal)),
            ),
            Criterion(
                "M",
                pgettext("SMART criterion", "Measurable"),
                _("How do we check it, when is it reached?"),
                tuple(_measurable(goal, atlas)),
            ),
            Criterion(
                "A",
                pgettext("SMART criterion", "Accepted"),
                _("Does it meet the needs of the children and young people?"),
                tuple(
                    _reasoning(
                        goal.acceptance,
                        empty=_(
                            "Say why the goal meets the needs of the children and young people."
                        ),
                        short=_(
                            "The acceptance is very short: say which needs the goal answers and "
                            "who supports it."
                        ),
                        fine=_("The acceptance is reasoned."),
                    )
                ),
            ),
            Criterion(
                "R",
                pgettext("SMART criterion", "Realistic"),
                _("Can it be reached with reasonable effort?"),
                tuple(
                    _reasoning(
                        goal.realism,
                        empty=_("Say which resources there are and why they are enough."),
                        short=_(
                            "The realism is very short: name the resources and why the goal can "
                            "be reached with them."
                        ),
                        fine=_("Resources and reasoning are given."),
                    )
                ),
            ),
            Criterion(
                "T",
                pgettext("SMART criterion", "Time-bound"),
                _("By when?"),
                tuple(_time_bound(goal, today)),
            ),
        )
    )


def check_goal(*, user, goal, today: datetime.date) -> SmartCheck:
    """The check of a saved goal with its indicator's facts from the atlas."""
    atlas = None
    if goal.indicator_id:
        atlas = facts_from_atlas(
            user=user,
            municipality=goal.municipality,
            indicator=goal.indicator,
            area=goal.measurement_area,
            year=goal.baseline_year,
        )
    return check(GoalFacts.from_goal(goal), atlas=atlas, today=today)


def check_data(*, user, municipality, data: Mapping, today: datetime.date) -> SmartCheck:
    """The check of a goal's form data before it is saved; the baseline is what the atlas
    holds for the chosen indicator, area and year (what saving would store)."""
    indicator = data.get("indicator")
    atlas = None
    if indicator is not None:
        atlas = facts_from_atlas(
            user=user,
            municipality=municipality,
            indicator=indicator,
            area=data.get("measurement_area"),
            year=data.get("baseline_year"),
        )
    facts = GoalFacts.from_data(data, baseline_value=atlas.baseline_value if atlas else None)
    return check(facts, atlas=atlas, today=today)
