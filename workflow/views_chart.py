"""The cycle as a chart: viewflow's own layout of a flow (`viewflow.workflow.chart`), drawn as an
inline SVG with KECK's colours for done, active, pending and skipped steps.

viewflow lays a flow out as one row of 150 × 100 boxes; the KECK cycle is 13 nodes long, so the
chart is scaled to the page width. To stay readable at that scale the boxes carry short labels
in a large font, and bands above them name the phase or conference (the full titles are in each
box's tooltip and in the list of steps beside the chart)."""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import wrap

from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow import chart

from .flows import AreaFlow, CycleFlow

FONT_SIZE = 19  # in the chart's own units; a task box is 150 wide
MIN_FONT_SIZE = 12
LINE_HEIGHT = 1.15
TEXT_WIDTH = 138  # room for text inside a task box
CHAR_WIDTH = 0.56  # average width of a character, in em
BAND_HEIGHT = 36  # room above the boxes for the phase bands

SHORT_LABELS = {
    CycleFlow: {
        "vorphase": gettext_lazy("Clarify the mandate"),
        "mandate": gettext_lazy("Confirm the mandate"),
        "planning_1": gettext_lazy("Create transparency"),
        "planning_2": gettext_lazy("Analyse the data"),
        "planning_3": gettext_lazy("Name needs, define goals"),
        "planning_4": gettext_lazy("Work out measures"),
        "wait_areas": gettext_lazy("Wait for the recommendations"),
        "planning_5": gettext_lazy("Measure progress"),
        "nachphase": gettext_lazy("Evaluate the process"),
    },
    AreaFlow: {
        "area_1": gettext_lazy("Create transparency"),
        "area_2": gettext_lazy("Analyse the area's data"),
        "area_3": gettext_lazy("Fields of action and goals"),
        "area_4": gettext_lazy("Carry out measures"),
        "area_5": gettext_lazy("Reflect on the effects"),
        "report_back": gettext_lazy("Report back"),
    },
}

BANDS = {
    CycleFlow: [
        (gettext_lazy("Preliminary phase"), ("vorphase", "check_mandate")),
        (gettext_lazy("Social planning conference"), ("planning_1", "review")),
        (gettext_lazy("Follow-up phase"), ("nachphase", "nachphase")),
    ],
    AreaFlow: [(gettext_lazy("Social area conference"), ("area_1", "report_back"))],
}


@dataclass
class ChartNode:
    name: str
    title: str
    state: str
    x: int
    y: int
    svg: str
    lines: list[tuple[str, float, bool]]  # (text, y, bold) inside a task box
    font_size: float
    centre_x: int
    mark_x: int
    href: str = ""


@dataclass
class Band:
    label: str
    x1: int
    x2: int


def state_labels() -> dict[str, str]:
    return {
        "done": _("done"),
        "active": _("active"),
        "pending": _("pending"),
        "skipped": _("skipped"),
    }


def _step_number(name: str) -> str:
    prefix, _sep, number = name.rpartition("_")
    return number if prefix in ("planning", "area") and number.isdigit() else ""


def _lines(node, label: str, height: int) -> tuple[list[tuple[str, float, bool]], float]:
    """The label wrapped to the box, words kept whole; the font shrinks for long words."""
    longest = max((len(word) for word in label.split()), default=1)
    font = max(MIN_FONT_SIZE, min(FONT_SIZE, TEXT_WIDTH / (CHAR_WIDTH * longest)))
    segments = [(text, False) for text in wrap(label, int(TEXT_WIDTH / (CHAR_WIDTH * font)))]
    number = _step_number(node.name)
    if number:
        segments.insert(0, (_("Step %(number)s") % {"number": number}, True))
    step = font * LINE_HEIGHT
    top = (height - (len(segments) - 1) * step) / 2
    return [(text, round(top + n * step, 1), bold) for n, (text, bold) in enumerate(segments)], font


def flow_chart(
    flow_class,
    node_states: dict[str, str],
    *,
    links: dict[str, str] | None = None,
    label: str = "",
) -> SafeString:
    """The SVG of `flow_class` with every node coloured by `node_states` ({node: state}) and
    linked to `links` ({node: url}) where given."""
    links = links or {}
    grid = chart.calc_layout_data(flow_class)
    labels = state_labels()
    short = SHORT_LABELS.get(flow_class, {})
    nodes, cells = [], {}
    for cell in grid.cells:
        node = cell.node
        cells[node.name] = cell
        title = force_str(node.task_title) if node.task_title else node.name
        state = node_states.get(node.name, "pending")
        is_task = bool(cell.shape.text)  # viewflow writes text into task boxes only
        lines, font = (
            _lines(node, force_str(short.get(node.name, title)), cell.shape.height)
            if is_task
            else ([], FONT_SIZE)
        )
        nodes.append(
            ChartNode(
                name=node.name,
                title=f"{title} ({labels.get(state, state)})",
                state=state,
                x=cell.shape.x,
                y=cell.shape.y,
                svg=cell.shape.svg,
                lines=lines,
                font_size=round(font, 1),
                centre_x=int(cell.shape.width / 2),
                mark_x=cell.shape.width - 14,
                href=links.get(node.name, ""),
            )
        )
    bands = [
        Band(
            label=str(band_label),
            x1=cells[first].shape.x,
            x2=cells[last].shape.x + cells[last].shape.width,
        )
        for band_label, (first, last) in BANDS.get(flow_class, [])
        if first in cells and last in cells
    ]
    # viewflow labels the branches of an If gateway "yes" and "no", untranslated.
    edge_labels = {"yes": _("yes"), "no": _("no")}
    edges = [
        {
            "id": f"{edge.src.name}__{edge.dst.name}",
            "path": " ".join(
                f"{'M' if n == 0 else 'L'}{x},{y}" for n, (x, y) in enumerate(edge.segments)
            ),
            "label": edge_labels.get(edge.label, edge.label) if edge.label else "",
            "label_pos": edge.label_pos,
        }
        for edge in grid.edges
    ]
    return render_to_string(
        "workflow/chart.svg",
        {
            "grid": grid,
            "top": -BAND_HEIGHT,
            "height": grid.height + BAND_HEIGHT,
            "nodes": nodes,
            "edges": edges,
            "bands": bands,
            "label": label,
        },
    )
