"""Template helpers of the advisor area: figures in the page's locale, export links."""

from __future__ import annotations

from django import template

from cms.views.advisor_tables import export_links as table_export_links
from cms.views.advisor_tables import figure

register = template.Library()


@register.simple_tag
def tile_value(tile):
    return figure(tile.get("kind", "int"), tile.get("value"))


@register.simple_tag
def percent(value):
    return figure("percent", value)


@register.simple_tag
def ratio(value):
    return figure("ratio", value)


@register.simple_tag(takes_context=True)
def export_links(context, table):
    return table_export_links(context["request"], table)
