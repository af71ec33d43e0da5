from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def concept_url(concept) -> str:
    """The taxonomy page of a skill or occupation, or its ESCO URI while no page exists."""
    try:
        return concept.get_absolute_url()
    except NoReverseMatch:
        return concept.uri
