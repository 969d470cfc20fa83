"""Files of a session: minutes as DOCX (docxtpl) and PDF (reportlab), the invitation as iCal.

Rendering only: the minutes context (`minutes_context`) is built once from a SessionRecord and
serves the Word template and the PDF alike; docs/conferences.md lists its variables for those
who write their own template.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from icalendar import Calendar, Event, vCalAddress, vText
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from atlas_data.exports.reports import ACCENT, HEADER_FILL, INK, MUTED, RULE, STRIPE

from .models import ActionItem, Session
from .selectors_meetings import (
    ABSENT,
    EXCUSED,
    PRESENT,
    SessionRecord,
    member_email,
    responsible_name,
)

DEFAULT_MINUTES_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "docx" / "minutes.docx"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Sessions without an end time are two hours long (domain.md §4: "every six weeks, two hours").
DEFAULT_DURATION = datetime.timedelta(hours=2)
OVERDUE_COLOUR = colors.HexColor("#9a1b1b")


def _date(value: datetime.date | None, short: bool = True) -> str:
    if value is None:
        return ""
    return date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")


def _time(value: datetime.datetime | None) -> str:
    return date_format(timezone.localtime(value), "TIME_FORMAT") if value else ""


def session_end(session: Session) -> datetime.datetime:
    return session.ends_at or session.starts_at + DEFAULT_DURATION


def session_when(session: Session) -> str:
    """'Donnerstag, 12. März 2026, 14:00–16:00' in the active language."""
    start = timezone.localtime(session.starts_at)
    text = f"{date_format(start, 'l')}, {_date(start.date(), short=False)}, {_time(start)}"
    if session.ends_at:
        text += f"–{_time(session.ends_at)}"
    return text


def attendance_label(status: str) -> str:
    return {
        PRESENT: _("present"),
        EXCUSED: _("excused"),
        ABSENT: _("absent"),
    }.get(status, _("not recorded"))


def carried_note(item) -> str:
    """'Open action item from the session of 12.03.2026 – Anja Thöle, due 30.04.2026: in
    progress' for an agenda item carried over from an action item; else ''."""
    action = item.carried_over_from
    if action is None:
        return ""
    parts = [
        _("Open action item from the session of %(date)s")
        % {"date": _date(timezone.localtime(action.session.starts_at).date())}
    ]
    details = [responsible_name(action)]
    if action.due:
        details.append(_("due %(date)s") % {"date": _date(action.due)})
    return f"{parts[0]} – {', '.join(d for d in details if d)}: {action.get_status_display()}"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part]


def minutes_context(record: SessionRecord) -> dict:
    """The variables of the minutes template (docs/conferences.md), plain strings and lists."""
    session, conference = record.session, record.conference
    today = timezone.localdate()
    start = timezone.localtime(session.starts_at)
    coordinator = conference.coordinator
    areas = ", ".join(area.name for area in conference.areas.all())
    title = _("Minutes")
    return {
        "title": title,
        "municipality": conference.municipality.name,
        "conference": {
            "name": conference.name,
            "kind": conference.get_kind_display(),
            "areas": areas,
            "purpose": conference.purpose,
            "rhythm": conference.rhythm,
            "reuses_body": conference.reuses_body,
            "coordinator": (coordinator.get_full_name() or coordinator.username)
            if coordinator
            else "",
        },
        "session": {
            "date": _date(start.date()),
            "date_long": _date(start.date(), short=False),
            "weekday": date_format(start, "l"),
            "start": _time(session.starts_at),
            "end": _time(session.ends_at),
            "when": session_when(session),
            "place": session.place,
        },
        "attendance": [
            {
                "name": row.member.name,
                "function": row.member.function,
                "institution": row.member.institution,
                "status": attendance_label(row.status),
            }
            for row in record.attendance
        ],
        "present": ", ".join(m.name for m in record.present),
        "excused": ", ".join(m.name for m in record.excused),
        "absent": ", ".join(m.name for m in record.absent),
        "agenda": [
            {
                "number": str(index),
                "title": item.title,
                "description": item.description,
                "minutes": item.minutes,
                "bookmark": item.bookmark.title if item.bookmark_id else "",
                "carried_over": carried_note(item),
            }
            for index, item in enumerate(record.agenda, start=1)
        ],
        "decisions": _paragraphs(session.decisions),
        "action_items": [
            {
                "number": str(index),
                "who": responsible_name(item),
                "what": item.what,
                "due": _date(item.due),
                "status": item.get_status_display(),
                "overdue": bool(item.is_open and item.due and item.due < today),
            }
            for index, item in enumerate(record.action_items, start=1)
        ],
        "created": _date(today),
        "footer": " · ".join(
            [
                conference.municipality.name,
                f"{title} {conference.name} {_date(start.date())}",
                _("created on %(date)s") % {"date": _date(today)},
            ]
        ),
        "labels": minutes_labels(),
    }


def minutes_labels() -> dict:
    return {
        "conference": _("Conference"),
        "kind": _("Kind"),
        "areas": _("Areas"),
        "date": _("Date"),
        "time": _("Time"),
        "place": _("Place"),
        "coordinator": _("Coordinator"),
        "attendance": _("Attendance"),
        "name": _("Name"),
        "function": _("Function"),
        "institution": _("Institution"),
        "status": _("Status"),
        "present": _("Present"),
        "excused": _("Excused"),
        "absent": _("Absent"),
        "agenda": _("Agenda and minutes"),
        "item": _("Item"),
        "bookmark": _("Atlas bookmark"),
        "no_minutes": _("No minutes recorded."),
        "decisions": _("Decisions"),
        "no_decisions": _("No decisions recorded."),
        "action_items": _("Action items"),
        "number": _("No."),
        "who": _("Who"),
        "what": _("What"),
        "due": _("By when"),
        "overdue": _("overdue"),
    }


def sample_minutes_context() -> dict:
    """Invented minutes with every variable filled: an uploaded template is rendered with them
    once before it is accepted."""
    labels = minutes_labels()
    return {
        "title": _("Minutes"),
        "municipality": "Musterstadt",
        "conference": {
            "name": "Sozialraumkonferenz Nordstadt",
            "kind": _("Social area conference"),
            "areas": "Nordstadt",
            "purpose": "Bessere Übergänge von der Kita in die Grundschule.",
            "rhythm": "alle 6 Wochen, 2 Stunden",
            "reuses_body": "Stadtteilrunde Nordstadt",
            "coordinator": "Kim Beispiel",
        },
        "session": {
            "date": "12.03.2026",
            "date_long": "12. März 2026",
            "weekday": "Donnerstag",
            "start": "14:00",
            "end": "16:00",
            "when": "Donnerstag, 12. März 2026, 14:00–16:00",
            "place": "Rathaus, Raum 101",
        },
        "attendance": [
            {
                "name": "Kim Beispiel",
                "function": "Koordination",
                "institution": "Stadt",
                "status": _("present"),
            },
            {
                "name": "Alex Muster",
                "function": "Schulleitung",
                "institution": "Grundschule",
                "status": _("excused"),
            },
        ],
        "present": "Kim Beispiel",
        "excused": "Alex Muster",
        "absent": "",
        "agenda": [
            {
                "number": "1",
                "title": "Begrüßung",
                "description": "",
                "minutes": "Die Koordination begrüßt alle.\nDas Protokoll wird genehmigt.",
                "bookmark": "",
                "carried_over": "",
            },
            {
                "number": "2",
                "title": "Daten zur Sprachförderung",
                "description": "Karte der Schuleingangsuntersuchung",
                "minutes": "Die Werte liegen über dem Kreisdurchschnitt.",
                "bookmark": "Sprachförderbedarf 2025",
                "carried_over": "",
            },
        ],
        "decisions": ["Die Konferenz richtet eine Arbeitsgruppe Übergang Kita–Schule ein."],
        "action_items": [
            {
                "number": "1",
                "who": "Alex Muster",
                "what": "Termine der Kita-Besuche abstimmen",
                "due": "30.04.2026",
                "status": str(ActionItem.Status.OPEN.label),
                "overdue": False,
            }
        ],
        "created": "12.03.2026",
        "footer": "Musterstadt · Protokoll",
        "labels": labels,
    }


# --------------------------------------------------------------------------------------------
# DOCX


def render_minutes_docx(context: dict, *, template=None) -> bytes:
    """The minutes from `template` (a path or a file object; default: templates/docx/)."""
    document = DocxTemplate(template or str(DEFAULT_MINUTES_TEMPLATE))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PDF


def _styles() -> dict:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=18, leading=22),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=12, leading=16, textColor=MUTED),
        "meta": ParagraphStyle("meta", base, leading=13.5),
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName="Helvetica-Bold",
            fontSize=12,
            leading=15,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=5,
        ),
        "item": ParagraphStyle(
            "item", base, fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=8
        ),
        "body": ParagraphStyle("body", base, spaceAfter=4),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5),
        "overdue": ParagraphStyle(
            "overdue", base, fontName="Helvetica-Bold", fontSize=8.5, textColor=OVERDUE_COLOUR
        ),
    }


def _text(value: str) -> str:
    """Escaped for reportlab's paragraph markup, line breaks kept."""
    return escape(value or "").replace("\n", "<br/>")


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE) for i in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return table


def render_minutes_pdf(context: dict) -> bytes:
    """A4 portrait: head, attendance, agenda with minutes, decisions, action-item table."""
    labels = context["labels"]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=f"{context['title']} {context['conference']['name']} {context['session']['date']}",
        author=context["municipality"],
        creator="KECK",
    )
    width = A4[0] - document.leftMargin - document.rightMargin
    styles = _styles()
    conference, session = context["conference"], context["session"]
    story = [
        Paragraph(_text(f"{context['title']}: {conference['name']}"), styles["title"]),
        Paragraph(_text(context["municipality"]), styles["subtitle"]),
        Spacer(1, 6),
    ]
    meta = [
        (labels["kind"], conference["kind"]),
        (labels["areas"], conference["areas"]),
        (labels["date"], session["when"]),
        (labels["place"], session["place"]),
        (labels["coordinator"], conference["coordinator"]),
    ]
    story += [
        Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", styles["meta"])
        for label, value in meta
        if value
    ]

    story.append(Paragraph(_text(labels["attendance"]), styles["heading"]))
    rows = [[Paragraph(_text(labels[key]), styles["head"]) for key in HEAD_ATTENDANCE]]
    for row in context["attendance"]:
        rows.append([Paragraph(_text(row[key]), styles["cell"]) for key in HEAD_ATTENDANCE])
    story.append(_table(rows, [width * share for share in (0.3, 0.25, 0.28, 0.17)]))

    story.append(Paragraph(_text(labels["agenda"]), styles["heading"]))
    for item in context["agenda"]:
        block = [Paragraph(_text(f"{item['number']}. {item['title']}"), styles["item"])]
        if item["carried_over"]:
            block.append(Paragraph(_text(item["carried_over"]), styles["small"]))
        if item["description"]:
            block.append(Paragraph(_text(item["description"]), styles["small"]))
        if item["bookmark"]:
            block.append(
                Paragraph(
                    f"{_text(labels['bookmark'])}: {_text(item['bookmark'])}", styles["small"]
                )
            )
        block.append(
            Paragraph(_text(item["minutes"] or labels["no_minutes"]), styles["body"])
            if item["minutes"]
            else Paragraph(_text(labels["no_minutes"]), styles["small"])
        )
        story.append(KeepTogether(block))

    story.append(Paragraph(_text(labels["decisions"]), styles["heading"]))
    for decision in context["decisions"] or []:
        story.append(Paragraph("• " + _text(decision), styles["body"]))
    if not context["decisions"]:
        story.append(Paragraph(_text(labels["no_decisions"]), styles["small"]))

    story.append(Paragraph(_text(labels["action_items"]), styles["heading"]))
    rows = [[Paragraph(_text(labels[key]), styles["head"]) for key in HEAD_ACTION_ITEMS]]
    for item in context["action_items"]:
        due_style = styles["overdue"] if item["overdue"] else styles["cell"]
        rows.append(
            [
                Paragraph(_text(item["number"]), styles["cell"]),
                Paragraph(_text(item["who"]), styles["cell"]),
                Paragraph(_text(item["what"]), styles["cell"]),
                Paragraph(_text(item["due"]), due_style),
                Paragraph(_text(item["status"]), styles["cell"]),
            ]
        )
    story.append(_table(rows, [width * share for share in (0.06, 0.22, 0.44, 0.13, 0.15)]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(doc.leftMargin, 0.9 * cm, context["footer"])
        canvas.drawRightString(
            A4[0] - doc.rightMargin, 0.9 * cm, _("Page %(number)d") % {"number": doc.page}
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


HEAD_ATTENDANCE = ("name", "function", "institution", "status")
HEAD_ACTION_ITEMS = ("number", "who", "what", "due", "status")


# --------------------------------------------------------------------------------------------
# iCal invitation


def session_uid(session: Session) -> str:
    """Stable per session, so that calendars update the event when it is sent again."""
    return f"keck-session-{session.pk}@{session.conference.municipality.slug}.keck"


def invitation_ics(
    record: SessionRecord, *, organizer_email: str, organizer_name: str, sequence: int
) -> bytes:
    """A METHOD:REQUEST calendar with one event in Europe/Berlin and every invited member."""
    session, conference = record.session, record.conference
    calendar = Calendar()
    calendar.add("prodid", "-//KECK//Sitzungen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session_end(session)))
    event.add("summary", conference.name)
    if session.place:
        event.add("location", session.place)
    event.add("description", agenda_text(record))
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    for row in record.attendance:
        email = member_email(row.member)
        if not email:
            continue
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(row.member.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def agenda_text(record: SessionRecord) -> str:
    """The agenda as plain text: one numbered line per item, carried action items marked."""
    lines = []
    for index, item in enumerate(record.agenda, start=1):
        lines.append(f"{index}. {item.title}")
        if item.carried_over_from_id:
            lines.append(f"   {carried_note(item)}")
        if item.description:
            lines += [f"   {line}" for line in item.description.splitlines() if line.strip()]
    return "\n".join(lines)
