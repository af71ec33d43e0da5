import json
from datetime import date

import pytest
from django.utils import translation

from core.html import html_to_text, sanitise_html
from jobs.ingestion.cleaning import clean_record
from jobs.ingestion.formats import FeedFormatError, detect_format, read_bytes

TODAY = date(2026, 6, 15)


def record(**overrides):
    data = {
        "external_id": "A-1",
        "title": "Développeur web",
        "description": "<p>Vous développez en <strong>JavaScript</strong>.</p>",
        "commune": "Namur",
        "contract_type": "CDI",
        "posted_on": "2026-06-01",
    }
    data.update(overrides)
    return data


class TestReaders:
    def test_jsonl_reads_each_line_and_reports_a_broken_line(self):
        raw = b'{"id": "1", "title": "A"}\nnot json\n\n["x"]\n{"external_id": "2", "title": "B"}\n'
        records = list(read_bytes(raw, "jsonl"))
        assert [r.data["external_id"] for r in records if r.data] == ["1", "2"]
        errors = [r for r in records if r.error]
        assert [r.position for r in errors] == [2, 4]
        assert "not valid JSON" in errors[0].error

    def test_csv_with_semicolons_and_bom(self):
        raw = "\ufeffid;title;city\n7;Graphiste;Mons\n".encode()
        (only,) = read_bytes(raw, "csv")
        assert only.data == {"external_id": "7", "title": "Graphiste", "commune": "Mons"}

    def test_csv_row_with_too_many_cells_is_an_error_not_a_crash(self):
        raw = b"id,title\n1,A\n2,B,extra\n3,C\n"
        with translation.override("en"):
            records = list(read_bytes(raw, "csv"))
        assert [r.data["external_id"] for r in records if r.data] == ["1", "3"]
        assert records[1].error.startswith("row 2: expected 2 fields, found 3")

    @pytest.mark.parametrize("shape", ["single", "array", "graph"])
    def test_jsonld_single_array_and_graph(self, shape):
        node = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "identifier": {"@type": "PropertyValue", "value": "J-9"},
            "title": "Sound designer",
            "description": "<p>Design sonore</p>",
            "hiringOrganization": {"@type": "Organization", "name": "Studio Ondes"},
            "jobLocation": {
                "@type": "Place",
                "address": {"addressLocality": "Tournai", "postalCode": "7500"},
            },
            "employmentType": ["FULL_TIME", "TEMPORARY"],
            "datePosted": "2026-05-02T09:00:00+02:00",
            "experienceRequirements": {"monthsOfExperience": 36},
        }
        document = {"single": node, "array": [node], "graph": {"@graph": [node]}}[shape]
        (only,) = read_bytes(json.dumps(document).encode(), "auto", name="feed.json")
        data = only.data
        assert data["external_id"] == "J-9"
        assert data["employer"] == "Studio Ondes"
        fields, errors = clean_record(data, today=TODAY)
        assert errors == []
        assert fields["province"] == "hainaut"
        assert fields["contract_type"] == "temporary"
        assert fields["working_time"] == "full_time"
        assert fields["experience"] == "medior"
        assert fields["posted_on"] == date(2026, 5, 2)

    def test_jsonld_that_is_not_json_is_a_format_error(self):
        with pytest.raises(FeedFormatError):
            list(read_bytes(b"{oops", "jsonld"))

    def test_detect_format(self):
        assert detect_format("x.csv") == "csv"
        assert detect_format("", b'{"a": 1}\n{"a": 2}') == "jsonl"
        assert detect_format("", b'{\n "@type": "JobPosting"}') == "jsonld"
        assert detect_format("", b"[{}]") == "jsonld"


class TestCleaning:
    def test_valid_record(self):
        fields, errors = clean_record(record(), today=TODAY)
        assert errors == []
        assert fields["province"] == "namur"
        assert fields["contract_type"] == "permanent"
        assert fields["description_text"] == "Vous développez en JavaScript."

    def test_missing_title(self):
        _fields, errors = clean_record(record(title="  "), today=TODAY)
        assert errors == ["The record has no title."]

    def test_oversized_field(self):
        _fields, errors = clean_record(record(title="x" * 300), today=TODAY)
        assert "too long (300 characters, at most 255)" in errors[0]

    def test_broken_encoding_is_reported_per_record(self):
        raw = b'{"id": "1", "title": "D\xe9veloppeur"}\n{"id": "2", "title": "OK"}\n'
        first, second = read_bytes(raw, "jsonl")
        _fields, errors = clean_record(first.data, today=TODAY)
        assert "not valid UTF-8" in errors[0]
        assert clean_record(second.data, today=TODAY)[1] == []

    @pytest.mark.parametrize(
        ("posted", "message"),
        [
            ("2026-07-20", "in the future"),
            ("1999-01-01", "too far in the past"),
            ("31/02/2026", "is not a date"),
            ("yesterday", "is not a date"),
        ],
    )
    def test_bad_dates(self, posted, message):
        _fields, errors = clean_record(record(posted_on=posted), today=TODAY)
        assert message in errors[0]

    def test_belgian_date_format(self):
        fields, _errors = clean_record(record(posted_on="03/06/2026"), today=TODAY)
        assert fields["posted_on"] == date(2026, 6, 3)

    def test_invalid_html_is_sanitised_not_rejected(self):
        dirty = (
            '<p onclick="x()">Bonjour<script>alert(1)</script><ul><li>Un<li>Deux</ul>'
            '<a href="javascript:evil()">lien</a><img src=x onerror=alert(1)>'
        )
        fields, errors = clean_record(record(description=dirty), today=TODAY)
        assert errors == []
        html = fields["description_html"]
        for forbidden in ("script", "onclick", "javascript:", "onerror", "<img"):
            assert forbidden not in html
        assert "- Un" in fields["description_text"]
        assert "alert" not in fields["description_text"]

    def test_html_to_text_keeps_blocks_apart(self):
        text = html_to_text(sanitise_html("<p>Un</p><p>Deux &amp; trois</p>"))
        assert text == "Un\nDeux & trois"
