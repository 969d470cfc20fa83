"""Tables of the conferences app, one module per part: meetings, reflection sheets, analysis."""

from .meetings import ActionItem, AgendaItem, Attendance, Conference, ConferenceMember, Session

__all__ = [
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Conference",
    "ConferenceMember",
    "Session",
]
