"""Template helpers of the advisor area: sparklines, table cells, export links."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from cms.views.advisor_tables import export_links as table_export_links

register = template.Library()

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 24, 2


@register.simple_tag
def sparkline(values, label: str = ""):
    """A small inline SVG line of `values` (None is a gap), its figures in the accessible name.

    Drawn on the server: a table of fifty professions would otherwise start fifty charts in
    the browser, and the line stays visible without JavaScript.
    """
    values = list(values or [])
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return "—"
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = SPARK_PAD + index * step
        y = SPARK_HEIGHT - SPARK_PAD - (value - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    figures = ", ".join("—" if value is None else number_format(value, 0) for value in values)
    name = f"{label} {figures}".strip() if label else figures
    lines = format_html_join(
        "", '<polyline points="{}"></polyline>', ((" ".join(points),) for points in segments)
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><title>{}</title>{}</svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        name,
        name,
        lines,
    )


def _figure(kind: str, value):
    """A figure in the page's locale: shares as %, log ratios signed, gaps as a dash."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return number_format(value, 0, force_grouping=True)
    if kind == "float":
        return number_format(value, 1, force_grouping=True)
    if kind == "percent":
        # Shares of thousands of skills are small: one decimal below 10 % ("0.4 %", not "0 %").
        places = 1 if abs(value) < 0.1 else 0
        return _("%(value)s%%") % {"value": number_format(value * 100, places)}
    if kind == "ratio":
        sign = "+" if value > 0 else ""
        return f"{sign}{number_format(value, 2)}"
    return value


@register.simple_tag
def table_cell(column, value):
    return _figure(column.kind, value)


@register.simple_tag
def tile_value(tile):
    return _figure(tile.get("kind", "int"), tile.get("value"))


@register.simple_tag
def percent(value):
    return _figure("percent", value)


@register.simple_tag
def ratio(value):
    return _figure("ratio", value)


@register.simple_tag(takes_context=True)
def export_links(context, table):
    return table_export_links(context["request"], table)
