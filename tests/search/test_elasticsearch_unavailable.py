"""A configured but unreachable Elasticsearch: every entry point says `EngineUnavailable` (the
backend then falls back to the database), tasks log instead of failing, and the admin home
warns. The server is a real closed port, not a mock."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import translation

from search.contract import CatalogueQuery, EngineUnavailable, PostingQuery, Understanding
from search.engines.elasticsearch import ElasticsearchEngine
from search.wagtail_hooks import STATUS_CACHE_KEY


@pytest.fixture(autouse=True)
def english_pages(client):
    """These checks read the English labels: the pages are asked for in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def unreachable(settings):
    settings.ELASTICSEARCH_URL = CLOSED
    settings.SEARCH_ENGINE = "elasticsearch"
    cache.delete(STATUS_CACHE_KEY)
    yield ElasticsearchEngine(timeout=1)
    cache.delete(STATUS_CACHE_KEY)


class TestUnreachable:
    def test_catalogue_search(self, unreachable):
        with pytest.raises(EngineUnavailable, match=r"127\.0\.0\.1:9"):
            unreachable.catalogue(
                query=CatalogueQuery(text="python"), understanding=Understanding()
            )

    def test_posting_search(self, unreachable):
        with pytest.raises(EngineUnavailable):
            unreachable.postings(query=PostingQuery(text="soudeur"), understanding=Understanding())

    @pytest.mark.django_db
    def test_incremental_indexing(self, unreachable):
        with pytest.raises(EngineUnavailable):
            unreachable.index_offers(offer_ids=[1])
        with pytest.raises(EngineUnavailable):
            unreachable.index_postings(posting_ids=[1])

    def test_status_reports_instead_of_raising(self, unreachable):
        statuses = unreachable.status()
        assert [s.alias for s in statuses] == ["wake-offers", "wake-postings"]
        assert not any(s.reachable for s in statuses)

    def test_not_configured(self, settings):
        settings.ELASTICSEARCH_URL = ""
        with pytest.raises(EngineUnavailable, match="ELASTICSEARCH_URL"):
            ElasticsearchEngine()

    @pytest.mark.django_db
    def test_the_refresh_task_logs_and_moves_on(self, unreachable, settings, caplog):
        """The backend's after-commit task reaches this engine, which cannot index: the
        database rows are written, the failure is logged, nothing is raised."""
        from search.engines import register
        from search.tasks import refresh_offers

        settings.SEARCH_ENGINE = "elasticsearch"
        register(ElasticsearchEngine.name, ElasticsearchEngine)
        with caplog.at_level(logging.WARNING, logger="search.engines"):
            refresh_offers.enqueue(offer_ids=[1, 2])
        register(ElasticsearchEngine.name, ElasticsearchEngine)
        assert "Search engine elasticsearch could not index (index_offers)" in caplog.text

    @pytest.mark.django_db
    def test_rebuild_command_fails_without_touching_the_alias(self, unreachable):
        with pytest.raises(CommandError, match="the alias was not moved"):
            call_command("rebuild_elasticsearch_index", "--only", "offers")


@pytest.mark.django_db
class TestAdminNotice:
    @pytest.fixture
    def admin_client(self, client, django_user_model):
        user = django_user_model.objects.create_superuser("root", "root@example.invalid", "pw")
        client.force_login(user)
        return client

    def test_admin_home_warns_when_elasticsearch_is_unreachable(self, unreachable, admin_client):
        with translation.override("en"):
            response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Elasticsearch (http://127.0.0.1:9)" in response.content.decode()

    def test_no_notice_when_the_database_engine_is_chosen(
        self, unreachable, settings, admin_client
    ):
        settings.SEARCH_ENGINE = "database"
        response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "Elasticsearch" not in response.content.decode()


@pytest.mark.django_db
class TestFallback:
    @pytest.fixture
    def elasticsearch_configured(self, settings):
        from search.engines import register

        settings.SEARCH_ENGINE = "elasticsearch"
        settings.ELASTICSEARCH_URL = CLOSED
        # A fresh engine for these settings (registering drops the one built before).
        register(ElasticsearchEngine.name, ElasticsearchEngine)
        yield
        register(ElasticsearchEngine.name, ElasticsearchEngine)

    def test_public_search_falls_back_to_the_database_and_logs(
        self, elasticsearch_configured, caplog
    ):
        from search.api import catalogue_search, posting_search

        with caplog.at_level(logging.WARNING, logger="search.api"):
            result = catalogue_search(query=CatalogueQuery(text="python", understand=False))
            postings = posting_search(query=PostingQuery(text="soudeur", understand=False))
        assert result.engine == "database"
        assert result.fallback_reason.startswith("elasticsearch: Elasticsearch at")
        assert postings.engine == "database" and postings.fallback_reason
        assert "fell back to the database engine" in caplog.text

    def test_the_configured_engine_is_this_one(self, elasticsearch_configured):
        from search.engines import get_engine

        engine = get_engine()
        assert isinstance(engine, ElasticsearchEngine)
        assert engine.url == CLOSED
