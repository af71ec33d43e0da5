"""Hostile inputs for every surface that reads the outside world, and the properties they keep.

Shared by the property tests (`tests/hardening/test_fuzz_*.py`, a few dozen examples each) and
`bench/fuzz.py` (thousands per surface). Each surface is a Hypothesis strategy of inputs plus a
`check_*` function that runs one input through the real code and raises `AssertionError` when a
property does not hold:

- no traceback: an input is either accepted or refused with a clear message (an
  `ImportFileError`/`FeedFormatError` naming what is wrong, an HTTP 4xx with a body, a
  per-record or per-row error in the report); never an unexpected exception or an HTTP 500;
- nothing half-written: what the database holds afterwards is exactly what the report says was
  written (an offer refused leaves no page, a regional file with errors leaves nothing, a feed
  record rejected leaves no posting);
- the HTML that reaches a page is safe (no script, no event handler, no javascript: URL) and a
  second pass of the sanitiser changes nothing.

The checks that write run inside `rolled_back()`, so every input starts from the same database.
"""

from __future__ import annotations

import csv
import io
import json
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from xml.sax.saxutils import escape as xml_escape

from django.db import transaction
from hypothesis import strategies as st

from core.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# --------------------------------------------------------------------------- building blocks

NASTY = [
    "", " ", "\x00", "\r\n", "\n", "\t", "\r", "\ufeff", "\u202e", "\u2028", "\ud800", "\udfff",
    "é", "€", "💥", "ß", "İ", '"', "'", ";", ",", "|", "\\", "=cmd|' /C calc'!A0", "+1", "-1",
    "@SUM(1+1)", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>', '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>', "<svg onload=alert(1)>", "<p onclick=x>p</p>",
    "<style>*{}</style>", "<iframe src=//evil>", "]]>", "<![CDATA[", "&amp;", "&#0;", "&lt;b&gt;",
    "{{ 1 }}", "{% now %}", "%s", "%(x)s", "[" * 300, "{" * 300, '{"a":' * 200, "9" * 40, "-0",
    "1e309", "NaN", "2024-02-30", "31/12/9999", "0000-00-00", "x" * 300, "ab " * 2000,
    "../../etc/passwd", "' OR 1=1 --", "http://", "mailto:", "javascript:alert(1)",
    "http://data.europa.eu/esco/skill/unknown",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=5).map("".join),
)
dates = st.dates().map(lambda d: d.isoformat()) | st.dates().map(lambda d: d.strftime("%d/%m/%Y"))


def encode(text: str, encoding: str = "utf-8") -> bytes:
    """Bytes as a careless producer writes them: lone surrogates and unencodable characters
    become invalid bytes rather than an error here."""
    try:
        return text.encode(encoding, errors="surrogatepass")
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8", errors="surrogatepass")


@contextmanager
def rolled_back():
    """Run a check inside a transaction that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- HTML sanitiser

_TAGS = ["p", "a", "script", "img", "svg", "style", "iframe", "b", "li", "ul", "math", "form"]
_ATTRIBUTES = ["href", "src", "onclick", "onerror", "style", "title", "ONLOAD", "formaction"]
_URLS = [
    "javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:x", "java\tscript:x",
    "jav&#x61;script:x", "&#106;avascript:x", "data:text/html,<script>x</script>",
    "vbscript:x", "https://example.org/", "mailto:a@b.be", "//evil.example", "#x",
]  # fmt: skip


@st.composite
def html_fragments(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(texts))
        elif kind == 1:
            tag = draw(st.sampled_from(_TAGS))
            attributes = "".join(
                f' {name}="{value}"'
                for name, value in draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(_ATTRIBUTES),
                            st.sampled_from(_URLS) | st.text(max_size=10),
                        ),
                        max_size=3,
                    )
                )
            )
            parts.append(f"<{tag}{attributes}>{draw(texts)}</{tag}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(["<", ">", "</", "<!--", "-->", "<!", "&", "\x00"])))
        else:
            parts.append(draw(st.sampled_from(NASTY)))
    return "".join(parts)


html_inputs = st.one_of(html_fragments(), texts)


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name == "rel" and tag == "a":
                continue
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value:
                scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", value)
                if scheme and scheme.group(1).lower() not in URL_SCHEMES:
                    self.problems.append(f"URL {value!r}")


def assert_safe_html(markup: str) -> None:
    """Only the allowed tags and attributes, no script-bearing URL, whatever the spelling."""
    inspector = _Inspector()
    inspector.feed(markup)
    inspector.close()
    assert not inspector.problems, (inspector.problems, markup)
    lowered = markup.lower()
    for needle in ("<script", "<style", "<iframe", "<svg", "<img"):
        assert needle not in lowered, (needle, markup)


def check_sanitiser(raw: str) -> None:
    from core.html import rich_text_from_outside, sanitise_html

    clean = sanitise_html(raw)
    assert_safe_html(clean)
    assert sanitise_html(clean) == clean, "sanitising twice changes the markup"
    rich = rich_text_from_outside(raw)
    assert_safe_html(rich)
    assert sanitise_html(rich) == rich, "rich text from outside is changed by the sanitiser"


# --------------------------------------------------------------------------- offers: CSV

_PLAUSIBLE = {
    "external_id": st.from_regex(r"[A-Z]{1,3}-[0-9]{1,2}", fullmatch=True),
    "title": st.sampled_from(["Soudure TIG", "Montage vidéo", "Pâtisserie"]),
    "summary": st.sampled_from(["Apprendre à souder.", "Les bases du montage."]),
    "format": st.sampled_from(["short", "certifying", "programme", "long"]),
    "modality": st.sampled_from(["on-site", "online", "blended"]),
    "eqf_level": st.integers(-2, 10).map(str),
    "duration_hours": st.integers(-5, 10**12).map(str),
    "languages": st.sampled_from(["fr", "en|fr", "de", "xx"]),
    "is_free": st.sampled_from(["yes", "no", "oui", "non", "1", "0", "peut-être"]),
    "price": st.sampled_from(["250", "250,50", "€ 1 200", "-3", "1e9", "abc"]),
    "registration_url": st.sampled_from(["https://example.org/x", "javascript:alert(1)"]),
    "registration_email": st.sampled_from(["a@b.be", "pas-un-mail"]),
    "session_start": dates,
    "session_end": dates,
    "session_registration_deadline": dates,
    "session_seats": st.integers(-3, 10**6).map(str),
    "session_seats_left": st.integers(-3, 10**6).map(str),
    "session_province": st.sampled_from(["namur", "liege", "hainaut", "atlantis"]),
    "session_status": st.sampled_from(["open", "full", "cancelled", "x"]),
    "session_schedule": st.sampled_from(["day", "evening", "weekend", "x"]),
}


def _value(column: str) -> st.SearchStrategy[str]:
    plausible = _PLAUSIBLE.get(column)
    return texts if plausible is None else st.one_of(plausible, plausible, texts)


@st.composite
def delimited_files(draw, *, columns: list[str], required: list[str], max_rows: int) -> bytes:
    """A delimited file with the required columns, some optional ones (maybe an unknown one),
    rows of plausible or hostile values, in a drawn separator and encoding; or junk bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    optional = [c for c in columns if c not in required]
    header = list(required) + draw(st.lists(st.sampled_from(optional), unique=True, max_size=8))
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["bogus", "", "Title", "external_id"])))
    if draw(st.integers(0, 9)) == 0 and header:
        header.remove(draw(st.sampled_from(header)))
    rows = draw(st.lists(st.fixed_dictionaries({c: _value(c) for c in header}), max_size=max_rows))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in header])
    text = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # a truncated upload
        text = text[: draw(st.integers(0, len(text)))]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return encode(text, encoding)


def offer_csv_files():
    from courses.importing.csv_reader import COLUMNS, REQUIRED_COLUMNS

    return delimited_files(columns=COLUMNS, required=list(REQUIRED_COLUMNS), max_rows=4)


# --------------------------------------------------------------------------- offers: LHEO

_LHEO = """<?xml version="1.0" encoding="{encoding}"?>{doctype}
<lheo><offres>{formations}</offres></lheo>"""
_FORMATION = """<formation numero="{numero}">
<intitule-formation>{title}</intitule-formation>
<objectif-formation>{summary}</objectif-formation>
<contenu-formation>{description}</contenu-formation>
<certifiante>{certifying}</certifiante>
<action numero="A"><modalites-enseignement>{modality}</modalites-enseignement>
<nombre-heures-total>{hours}</nombre-heures-total><prix-total-TTC>{price}</prix-total-TTC>
<langue-formation>{language}</langue-formation>
<session numero="{session}"><periode><debut>{start}</debut><fin>{end}</fin></periode>
<adresse-inscription><adresse><ville>{city}</ville></adresse></adresse-inscription>
<etat-recrutement>{recruitment}</etat-recrutement></session></action>
<extras><extra info="{extra}">{extra_value}</extra></extras>
</formation>"""
_DOCTYPES = [
    "",
    "",
    '<!DOCTYPE lheo [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE lheo [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
]


def _xml_text(draw) -> str:
    value = draw(texts)
    how = draw(st.integers(0, 7))
    if how == 0:
        return value  # unescaped: may break the document
    if how == 1:
        return f"<![CDATA[{value}]]>"
    return xml_escape(value)


@st.composite
def lheo_files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    formations = []
    for _ in range(draw(st.integers(0, 3))):
        formations.append(
            _FORMATION.format(
                numero=xml_escape(draw(_value("external_id")), {'"': "&quot;"}),
                title=_xml_text(draw),
                summary=_xml_text(draw),
                description=_xml_text(draw),
                certifying=draw(st.sampled_from(["0", "1", "x"])),
                modality=draw(st.sampled_from(["0", "1", "2", "9", ""])),
                hours=draw(_value("duration_hours")),
                price=draw(_value("price")),
                language=xml_escape(draw(st.sampled_from(["fr", "FR", "en", "", "zz"]))),
                session=xml_escape(draw(texts), {'"': "&quot;"}),
                start=draw(st.sampled_from(["20260901", "2026-09-01", "99999999", ""])),
                end=draw(st.sampled_from(["20261201", "20250101", "x", ""])),
                city=_xml_text(draw),
                recruitment=draw(st.sampled_from(["1", "2", "3", "", "x"])),
                extra=draw(st.sampled_from(["format", "eqf_level", "is_free", "keywords", "x"])),
                extra_value=_xml_text(draw),
            )
        )
    encoding = draw(st.sampled_from(["UTF-8"] * 5 + ["ISO-8859-1", "x-unknown", "UTF-16"]))
    document = _LHEO.format(
        encoding=encoding, doctype=draw(st.sampled_from(_DOCTYPES)), formations="".join(formations)
    )
    return encode(document, encoding if encoding != "x-unknown" else "utf-8")


def check_offer_import(content: bytes, filename: str, provider) -> str:
    """Read and import one file into `provider` (empty); returns "refused" or "imported"."""
    from courses.importing import ImportFileError, read_offer_file
    from courses.models import OfferPage
    from courses.services.importing import offer_import

    try:
        records = read_offer_file(content=content, filename=filename)
    except ImportFileError as error:
        assert str(error).strip(), "a refused file says why"
        return "refused"
    pages = OfferPage.objects.filter(provider=provider)
    assert not pages.exists()
    dry = offer_import(provider=provider, records=records, dry_run=True)
    assert not pages.exists(), "a dry run wrote pages"
    report = offer_import(provider=provider, records=records, dry_run=False, publish=True)
    assert len(report.outcomes) == len(records) == len(dry.outcomes)
    for outcome in report.outcomes:
        assert outcome.outcome in {"created", "error"}, outcome
        if outcome.outcome == "error":
            assert outcome.reasons and all(str(r).strip() for r in outcome.reasons), outcome
    created = sorted(o.key for o in report.outcomes if o.outcome == "created")
    stored = sorted(pages.values_list("external_id", flat=True))
    assert stored == created, ("pages written differ from the report", stored, created)
    for page in pages:
        assert_safe_html(str(page.description))
        for name in ("title", "summary", "external_id", "prerequisites"):
            assert "\x00" not in (getattr(page, name) or ""), (name, page.pk)
    return "imported"


# --------------------------------------------------------------------------- regional catalogue

_REGIONAL_PLAUSIBLE = {
    "codeexterne": st.from_regex(r"[0-9]{1,3}", fullmatch=True),
    "numeroidentification": st.sampled_from(
        ["412345678", "0417497106", "BE 0417.497.106", "12", "abc"]
    ),
    "denomination_sociale": st.sampled_from(["Centre A", "Centre B"]),
    "type_organisme": st.sampled_from(["Cheque-formation", "Centre de compétence", "IFAPME", "x"]),
    "intitule": st.sampled_from(["SOUDURE TIG", "Montage vidéo"]),
    "duree": st.sampled_from(
        ["14 Heures", "3 jours", "2 ans", "x", "-1 Heures", "1e9 Heures", "0 Heures"]
    ),
    "localisation_potentielle": st.sampled_from(["Namur", "Liège", "Mons", "Atlantis"]),
    "courte": st.sampled_from(["OUI", "NON", "x"]),
    "moyenne": st.sampled_from(["OUI", "NON"]),
    "longue": st.sampled_from(["OUI", "NON"]),
    "qualifiante": st.sampled_from(["OUI", "NON"]),
    "certifiante": st.sampled_from(["OUI", "NON"]),
    "public": st.sampled_from(
        ["Travailleur", "Chercheur d'emploi", "Travailleur, Chercheur d'emploi", "x"]
    ),
}


@st.composite
def regional_files(draw) -> bytes:
    from courses.importing.regional_reader import COLUMNS

    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    header = list(COLUMNS)
    if draw(st.integers(0, 9)) == 0:
        header.remove(draw(st.sampled_from(header)))
    strategies = {
        c: st.one_of(*[_REGIONAL_PLAUSIBLE[c]] * 4, texts) if c in _REGIONAL_PLAUSIBLE else texts
        for c in header
    }
    rows = draw(st.lists(st.fixed_dictionaries(strategies), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in header])
    return encode(buffer.getvalue(), draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])))


def check_regional_import(content: bytes) -> str:
    from courses.importing import ImportFileError
    from courses.importing.regional_reader import read_regional_catalogue
    from courses.models import OfferPage, ProviderPage
    from courses.services.regional import regional_catalogue_import

    try:
        records = read_regional_catalogue(content)
    except ImportFileError as error:
        assert str(error).strip(), "a refused file says why"
        return "refused"
    before = (ProviderPage.objects.count(), OfferPage.objects.count())
    report = regional_catalogue_import(records=records, dry_run=False)
    report.as_text()
    after = (ProviderPage.objects.count(), OfferPage.objects.count())
    if report.errors:
        assert after == before, ("a file with errors wrote something", report.errors)
        return "refused by row"
    assert after[0] - before[0] == len(report.providers_created), report.as_text()
    assert after[1] - before[1] == report.count("created"), report.as_text()
    return "imported"


# --------------------------------------------------------------------------- feeds

_FEED_KEYS = [
    "id", "external_id", "title", "description", "employer", "commune", "postal_code",
    "province", "contract_type", "posted_on", "expires_on", "url", "language", "experience",
]  # fmt: skip
_FEED_PLAUSIBLE = {
    "id": st.from_regex(r"F-[0-9]{1,3}", fullmatch=True) | st.integers(-5, 10**20),
    "external_id": st.from_regex(r"F-[0-9]{1,3}", fullmatch=True),
    "title": st.sampled_from(["Soudeur TIG", "Monteur vidéo"]),
    "description": html_fragments(),
    "posted_on": dates | st.sampled_from(["2026-13-01", "hier", "1700000000"]),
    "expires_on": dates,
    "url": st.sampled_from(["https://example.org/1", "javascript:alert(1)", "ftp://x"]),
    "language": st.sampled_from(["fr", "en", "nl", "xx"]),
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


def _feed_value(key: str):
    plausible = _FEED_PLAUSIBLE.get(key)
    return json_values if plausible is None else st.one_of(plausible, plausible, json_values)


feed_records = st.dictionaries(
    st.sampled_from(_FEED_KEYS) | st.text(max_size=6), st.just(None), max_size=8
).flatmap(lambda keys: st.fixed_dictionaries({k: _feed_value(k) for k in keys}))


@st.composite
def feed_payloads(draw) -> tuple[bytes, str]:
    """(body, format) of a feed: JSON Lines (with junk lines), CSV or JSON-LD; or junk."""
    fmt = draw(st.sampled_from(["jsonl", "jsonl", "jsonl", "csv", "jsonld", "auto"]))
    records = draw(st.lists(feed_records, max_size=5))
    if fmt in ("jsonl", "auto"):
        lines = []
        for record in records:
            lines.append(encode(json.dumps(record, ensure_ascii=draw(st.booleans()))))
            if draw(st.integers(0, 5)) == 0:
                lines.append(
                    draw(
                        st.binary(max_size=40)
                        | st.sampled_from([b"[" * 5000 + b"]" * 5000, b'{"id": "R\xe9f"}', b"{"])
                    )
                )
        return b"\n".join(lines), fmt
    if fmt == "csv":
        keys = sorted({k for record in records for k in record if isinstance(k, str)})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(keys)
        for record in records:
            writer.writerow([str(record.get(k, "")) for k in keys])
        return encode(buffer.getvalue()), fmt
    nodes = []
    for record in records:
        node = {"@type": draw(st.sampled_from(["JobPosting", "Event", ["JobPosting"]]))}
        node.update({"identifier": record.get("id"), "title": record.get("title")})
        node["description"] = record.get("description")
        node["hiringOrganization"] = draw(json_values)
        node["jobLocation"] = draw(json_values)
        nodes.append(node)
    document = draw(st.sampled_from(["graph", "list", "single"]))
    body = {"@graph": nodes} if document == "graph" else nodes if document == "list" else nodes[:1]
    return encode(json.dumps(body)), fmt


def check_feed_ingest(raw: bytes, fmt: str, source) -> str:
    from jobs.ingestion.formats import FeedFormatError, read_bytes
    from jobs.models import IngestRun, JobPosting
    from jobs.services import posting_ingest

    try:
        records = list(read_bytes(raw, fmt))
    except FeedFormatError as error:
        assert str(error).strip(), "a refused feed says why"
        return "refused"
    postings = JobPosting.objects.filter(source=source)
    assert not postings.exists()
    report = posting_ingest(records=records, source=source, parse=False)
    assert report.processed == len(records), (report.processed, len(records))
    assert report.created + report.unchanged + report.rejected == report.processed, report
    assert postings.count() == report.created, "postings written differ from the report"
    for error in report.errors:
        assert error["errors"] and all(str(e).strip() for e in error["errors"]), error
    assert IngestRun.objects.get(pk=report.run_id).status == IngestRun.Status.SUCCEEDED
    for posting in postings:
        assert_safe_html(posting.description_html)
        for name in ("external_id", "title", "description_text", "employer_name", "url"):
            assert "\x00" not in getattr(posting, name), (name, posting.pk)
        assert not posting.url or posting.url.startswith(("http://", "https://")), posting.url
    return "ingested"


CONTENT_TYPES = ["application/x-ndjson", "text/csv", "application/ld+json", "text/plain", ""]


def check_feed_api(client, raw: bytes, content_type: str, query: str, token: str) -> str:
    """POST a body to the feed API: 200/202 with a run, or a 4xx with an error; never a 500."""
    from django.core.cache import cache

    cache.clear()  # the feed API's rate limit is not what is tested here
    response = client.post(
        f"/api/jobs/ingest/{query}",
        raw,
        content_type=content_type or "application/octet-stream",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (200, 202, 400, 413), (response.status_code, response.content)
    body = response.json()
    if response.status_code >= 400:
        assert body["error"].strip()
    else:
        assert body["status"] in ("succeeded", "queued", "running"), body
    return str(response.status_code)


# --------------------------------------------------------------------------- extractor CLI


@st.composite
def extractor_inputs(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 4))
        if kind <= 1:
            record = {"id": draw(json_values), "text": draw(texts | html_fragments())}
            lines.append(encode(json.dumps(record, ensure_ascii=draw(st.booleans()))))
        elif kind == 2:
            lines.append(encode(json.dumps(draw(json_values))))
        elif kind == 3:
            lines.append(draw(st.binary(max_size=40)))
        else:
            lines.append(draw(st.sampled_from([b"[" * 5000, b'{"id": "\xff", "text": "x"}', b"{"])))
    return b"\n".join(lines)


def check_extract_skills(raw: bytes, folder) -> str:
    """The extractor CLI reads any bytes: each line is written out or reported by number."""
    from django.core.management import call_command

    source, target = folder / "in.jsonl", folder / "out.jsonl"
    source.write_bytes(raw)
    errors = io.StringIO()
    call_command("extract_skills", "--input", str(source), "--output", str(target), stderr=errors)
    written = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    reported = re.findall(r"^line (\d+): ", errors.getvalue(), re.MULTILINE)
    # Blank means JSON white space only (a form feed or U+001D alone is a malformed line).
    non_blank = [line for line in raw.splitlines() if line.strip(b" \t\r\n")]
    assert len(written) + len(reported) == len(non_blank), (written, errors.getvalue())
    for result in written:
        assert isinstance(result["skills"], list)
    return "read"


# --------------------------------------------------------------------------- search and API

SEARCH_PARAMETERS = [
    "q", "skill", "all", "occupation", "drop", "near", "radius", "price_min", "price_max",
    "sort", "page", "page_size", "format", "modality", "province", "language", "audience",
    "funding", "schedule", "start", "price", "provider_kind", "eqf_level", "posted",
    "contract_type", "output", "ordering", "limit", "offset", "search", "skill_uri", "cursor",
]  # fmt: skip
_PARAMETER_VALUES = st.one_of(
    texts,
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(
        [
            "1",
            "0",
            "-1",
            "99999999999999999999",
            "relevance",
            "price",
            "next_session",
            "json",
            "api",
            "namur",
            "http://data.europa.eu/esco/skill/x",
            "1.5",
            "",
            "a" * 3000,
        ]
    ),
)
query_parameters = st.lists(
    st.tuples(st.sampled_from(SEARCH_PARAMETERS) | st.text(max_size=5), _PARAMETER_VALUES),
    max_size=6,
)
SEARCH_PATHS = [
    "/formations/recherche/",
    "/en/formations/recherche/",
    "/api/search/offers/",
    "/emplois/recherche/",
    "/emplois/",
    "/competences/",
    "/api/taxonomy/autocomplete/",
]
API_PATHS = [
    "/api/v1/offers/",
    "/api/v1/providers/",
    "/api/v1/skills/",
    "/api/v1/occupations/",
    "/api/v1/postings/",
    "/api/v1/shortage-lists/",
]


def check_query(client, path: str, parameters: list[tuple[str, str]]) -> str:
    """GET `path` with the parameters: an answer or a 4xx that says why; never a 500."""
    from urllib.parse import urlencode

    from django.core.cache import cache

    cache.clear()  # rate limits count every request; they are not what is tested here
    query = urlencode([(k, encode(v)) for k, v in parameters])
    response = client.get(f"{path}?{query}")
    status = response.status_code
    assert status in (200, 302, 400, 404), (status, path, query, response.content[:300])
    if status == 400:
        assert response.content.strip(), "a refused query says why"
    return str(status)
