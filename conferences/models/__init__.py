"""Tables of the conferences app, one module per part: meetings, reflection sheets, analysis."""

from .analysis import (
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    SwotEntry,
)
from .meetings import ActionItem, AgendaItem, Attendance, Conference, ConferenceMember, Session
from .sheets import (
    AgreedAnswer,
    Answer,
    Catalogue,
    ConferenceStep,
    Question,
    Response,
    Section,
    Sheet,
)
from .templates import MinutesTemplate

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Conference",
    "ConferenceMember",
    "Session",
    "MinutesTemplate",
    # reflection sheets
    "AgreedAnswer",
    "Answer",
    "Catalogue",
    "ConferenceStep",
    "Question",
    "Response",
    "Section",
    "Sheet",
    # analysis
    "FieldOfAction",
    "Finding",
    "NeedForAction",
    "Prioritisation",
    "PrioritisationIndicator",
    "SwotEntry",
]
