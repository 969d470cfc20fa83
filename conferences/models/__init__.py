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

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Conference",
    "ConferenceMember",
    "Session",
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
