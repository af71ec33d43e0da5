"""Property tests over every surface that reads the outside world (#9, "Keep it true").

Each test draws hostile inputs (tests/hardening/fuzzing.py) and checks the contract of its
surface: a clear refusal or a report, never a traceback or an HTTP 500; nothing half-written;
safe, stable HTML. Example counts come from the Hypothesis profile (tests/conftest.py);
`bench/fuzz.py` runs the same properties over thousands of inputs.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.courses.factories import make_provider
from tests.hardening import fuzzing
from tests.jobs.factories import FeedSourceFactory

pytestmark = pytest.mark.django_db


@given(fuzzing.html_inputs)
def test_the_sanitiser_leaves_nothing_executable_and_is_stable(raw):
    fuzzing.check_sanitiser(raw)


@given(fuzzing.offer_csv_files())
def test_offer_csv_files_are_imported_or_refused_whole(provider_index, content):
    with fuzzing.rolled_back():
        provider = make_provider(name="Centre Fuzz")
        fuzzing.check_offer_import(content, "offres.csv", provider)


@given(fuzzing.lheo_files())
def test_lheo_files_are_imported_or_refused_whole(provider_index, content):
    with fuzzing.rolled_back():
        provider = make_provider(name="Centre Fuzz")
        fuzzing.check_offer_import(content, "offres.xml", provider)


@given(fuzzing.regional_files())
def test_regional_catalogues_are_imported_whole_or_not_at_all(provider_index, content):
    with fuzzing.rolled_back():
        fuzzing.check_regional_import(content)


@given(fuzzing.feed_payloads())
def test_feeds_are_ingested_record_by_record(payload):
    raw, fmt = payload
    with fuzzing.rolled_back():
        source = FeedSourceFactory(name="fuzz")
        fuzzing.check_feed_ingest(raw, fmt, source)


@given(fuzzing.feed_payloads(), st.sampled_from(fuzzing.CONTENT_TYPES))
def test_the_feed_api_answers_every_body(client, payload, content_type):
    raw, fmt = payload
    with fuzzing.rolled_back():
        token = FeedSourceFactory(name="fuzz-api").rotate_token()
        query = "" if fmt == "auto" else f"?format={fmt}"
        fuzzing.check_feed_api(client, raw, content_type, query, token)


@given(fuzzing.extractor_inputs())
def test_the_extractor_cli_reads_any_bytes(tmp_path_factory, raw):
    fuzzing.check_extract_skills(raw, tmp_path_factory.mktemp("extract"))


@given(st.sampled_from(fuzzing.SEARCH_PATHS), fuzzing.query_parameters)
def test_search_parameters_never_fail_the_server(client, path, parameters):
    fuzzing.check_query(client, path, parameters)


@given(st.sampled_from(fuzzing.API_PATHS), fuzzing.query_parameters)
def test_public_api_parameters_never_fail_the_server(client, path, parameters):
    fuzzing.check_query(client, path, parameters)
