"""Admin wiring of the search app: a warning on the admin home when the configured Elasticsearch
engine cannot answer (unreachable, or an index alias missing), so editors know searches are
being answered by the database fallback."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

STATUS_CACHE_KEY = "search:elasticsearch-status"
STATUS_CACHE_SECONDS = 60  # one probe a minute at most, whatever the admin traffic
PROBE_TIMEOUT_SECONDS = 2.0


def elasticsearch_problems() -> list[str]:
    """What is wrong with the configured Elasticsearch, as sentences; empty when it is not the
    configured engine or answers with both aliases in place. Cached a minute."""
    from search.engines import configured_engine_name
    from search.engines.elasticsearch import ElasticsearchEngine, elasticsearch_url

    url = elasticsearch_url()
    if not url or configured_engine_name() != ElasticsearchEngine.name:
        return []
    cached = cache.get(STATUS_CACHE_KEY)
    if cached is not None:
        return cached
    engine = ElasticsearchEngine(url=url, timeout=PROBE_TIMEOUT_SECONDS)
    problems = []
    for status in engine.status():
        if not status.reachable:
            problems = [
                _(
                    "Elasticsearch (%(url)s) cannot be reached: searches are answered by the "
                    "database instead."
                )
                % {"url": url}
            ]
            break
        if not status.exists:
            problems.append(
                _(
                    "The Elasticsearch index %(alias)s is missing: searches are answered by the "
                    "database until “manage.py rebuild_elasticsearch_index” builds it."
                )
                % {"alias": status.alias}
            )
    cache.set(STATUS_CACHE_KEY, problems, STATUS_CACHE_SECONDS)
    return problems


class SearchEnginePanel(Component):
    name = "search_engine_status"
    template_name = "search/admin/engine_status_panel.html"
    order = 50  # above the site summary: editors see it first

    def __init__(self, problems: list[str]):
        self.problems = problems

    def get_context_data(self, parent_context=None):
        return {"problems": self.problems}


@hooks.register("construct_homepage_panels")
def add_search_engine_panel(request, panels):
    problems = elasticsearch_problems()
    if problems:
        panels.append(SearchEnginePanel(problems))
