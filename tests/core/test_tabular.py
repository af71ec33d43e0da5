"""The one tabular-upload policy (`core.tabular`) and the importers that read through it."""

import codecs
import gzip
import io

import pytest
from django.utils import translation

from core.tabular import (
    EmptyTabularFileError,
    TabularFile,
    TabularFileError,
    normalise_column,
    open_tabular,
    parse_yes_no,
    sniff_delimiter,
)


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions read the English source messages; the site defaults to French."""
    with translation.override("en"):
        yield


def refusal(data: bytes, **options) -> TabularFileError:
    """The error reading `data` (header and every row) raises."""
    with pytest.raises(TabularFileError) as caught:
        list(TabularFile(data, **options))
    return caught.value


def path_refusal(path) -> TabularFileError:
    with pytest.raises(TabularFileError) as caught, open_tabular(path) as table:
        list(table)
    return caught.value


def rows(data: bytes | str, **options) -> list[tuple[int, dict[str, str], str]]:
    return [(row.line, row.values, row.error) for row in TabularFile(data, **options)]


LATIN1_ON_LINE_3 = "label;kind\nData scientist;critique\nDéveloppeur;pénurie\n".encode("cp1252")


class TestEncoding:
    def test_utf8_with_or_without_byte_order_mark(self):
        text = "Libellé;Catégorie\nDéveloppeur;pénurie\n"
        for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
            table = TabularFile(data)
            assert table.header == ["libelle", "categorie"]
            assert [row.values for row in table] == [
                {"libelle": "Développeur", "categorie": "pénurie"}
            ]

    def test_windows_1252_is_refused_on_its_line(self):
        error = refusal(LATIN1_ON_LINE_3)
        assert error.line == 3
        assert "not valid UTF-8 (byte 0xE9)" in error.message
        assert "Windows-1252/Latin-1" in error.message
        assert "Save it as “CSV UTF-8”" in error.message
        assert str(error).startswith("Line 3: the file is not valid UTF-8")

    def test_bad_byte_inside_a_multiline_cell_names_the_spreadsheet_row(self):
        data = 'label,note\nA,"one\ntwo"\nB,"caf\xe9\nlatte"\n'.encode("latin-1")
        assert refusal(data).line == 3

    def test_text_already_decoded_is_accepted(self):
        assert rows("\ufefflabel,kind\nA,b\n") == [(2, {"label": "A", "kind": "b"}, "")]

    @pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
    def test_utf16_and_utf32_are_refused(self, codec):
        data = "label,kind\nA,b\n".encode(codec)
        if codec in ("utf-16-le", "utf-16-be"):  # a byte-order mark, as Excel writes one
            data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
        error = refusal(data)
        assert "encoded in UTF-16 or UTF-32" in error.message
        assert error.line is None

    def test_utf16_without_byte_order_mark_is_refused_too(self):
        error = refusal("label,kind\nA,b\n".encode("utf-16-le"))
        assert "binary content (NUL bytes)" in error.message

    def test_binary_content_is_refused(self):
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
        assert "binary content (NUL bytes)" in refusal(png).message

    def test_nul_byte_further_down_names_its_line(self):
        data = b"label,kind\n" + b"A,b\n" * 3000 + b"B,\x00\n"
        error = refusal(data)
        assert error.line == 3002
        assert "binary content" in error.message

    def test_control_characters_are_refused(self):
        error = refusal(b"label,kind\nA,b\x1bc\n")
        assert error.line == 2
        assert "control characters" in error.message

    @pytest.mark.parametrize("data", [b"", b"\n\r\n  \n", codecs.BOM_UTF8])
    def test_empty_file(self, data):
        with pytest.raises(EmptyTabularFileError, match="The file is empty"):
            TabularFile(data)

    def test_messages_are_in_french_for_french_users(self):
        with translation.override("fr"):
            error = refusal(LATIN1_ON_LINE_3)
            assert str(error).startswith("Ligne 3: le fichier n’est pas en UTF-8 valide")
            assert "Enregistrez-le au format «\xa0CSV UTF-8\xa0»" in error.message
            with pytest.raises(EmptyTabularFileError, match="Le fichier est vide"):
                TabularFile(b"")

    def test_gzipped_file_is_streamed_and_a_truncated_one_refused(self, tmp_path):
        data = gzip.compress(b"conceptUri,label\n" + b"http://x/1,A\n" * 20000)
        path = tmp_path / "concepts.csv.gz"
        path.write_bytes(data)
        with open_tabular(path, normalise_header=False) as table:
            assert table.header == ["conceptUri", "label"]
            assert sum(1 for _row in table) == 20000
        path.write_bytes(data[: len(data) // 2])
        truncated = path_refusal(path)
        assert truncated.line and truncated.message.startswith("cannot read the file")
        assert str(path_refusal(tmp_path / "absent.csv")).startswith("Cannot read the file")


class TestDelimiter:
    @pytest.mark.parametrize(
        ("header", "delimiter"),
        [
            ("label,kind,note", ","),
            ("label;kind;note", ";"),
            ("label\tkind\tnote", "\t"),
            ('"label, French";kind;note', ";"),  # delimiters inside quotes do not count
            ("label;kind,note", ","),  # a tie goes to the comma
            ("label", ","),
        ],
    )
    def test_most_frequent_delimiter_of_the_header_line(self, header, delimiter):
        assert sniff_delimiter(header) == delimiter

    def test_semicolon_file_keeps_commas_in_cells(self):
        assert rows(b"label;note\r\nDev;a, b\r\n") == [(2, {"label": "Dev", "note": "a, b"}, "")]

    def test_tab_separated_file(self):
        assert rows(b"label\tnote\nDev\ta; b\n") == [(2, {"label": "Dev", "note": "a; b"}, "")]


class TestHeader:
    def test_names_lose_case_accents_and_inner_spaces(self):
        assert normalise_column("  Intitulé  du Poste ") == "intitule_du_poste"
        assert TabularFile(b"ESCO_Occupation_URIs,Label\n").header == [
            "esco_occupation_uris",
            "label",
        ]

    def test_a_separator_after_the_last_column_is_ignored(self):
        table = TabularFile(b"label;kind;\nA;b\nB;c;\n")
        assert table.header == ["label", "kind"]
        assert [row.values for row in table] == [
            {"label": "A", "kind": "b"},
            {"label": "B", "kind": "c"},
        ]

    def test_names_can_be_kept_as_written(self):
        table = TabularFile(b" conceptUri ,preferredLabel\n", normalise_header=False)
        assert table.header == ["conceptUri", "preferredLabel"]

    def test_metadata_lines_before_the_header_are_skipped_and_counted(self):
        data = b"Mapping project name,ESCO\nVersion,1.4\n\nclassification 1 ID,label\nX,Y\n"
        table = TabularFile(data, header_prefix="classification 1 ID", normalise_header=False)
        assert table.header_line == 4
        assert [(row.line, row.values) for row in table] == [
            (5, {"classification 1 ID": "X", "label": "Y"})
        ]
        with pytest.raises(TabularFileError, match=r"^No header line starting with “nope”\."):
            TabularFile(data, header_prefix="nope")

    def test_missing_and_duplicate_columns_are_reported_on_the_header_line(self):
        table = TabularFile(b"\nlabel,note\n")
        with pytest.raises(TabularFileError) as caught:
            table.require_columns(["label", "kind"], expected=["label", "kind", "note"])
        assert str(caught.value) == (
            "Line 2: missing column(s): kind (expected label, kind, note)."
        )
        with pytest.raises(TabularFileError, match=r"^Line 1: duplicate column\(s\): label\.$"):
            TabularFile(b"label,Label,kind\n").require_columns(["kind"])


class TestRows:
    def test_rows_are_numbered_as_a_spreadsheet_shows_them(self):
        data = b'label,note\nA,"first\nsecond"\n\n , \nB,x\n'
        assert rows(data) == [
            (2, {"label": "A", "note": "first\nsecond"}, ""),  # one row over two lines
            (5, {"label": "B", "note": "x"}, ""),  # blank rows keep their number
        ]

    def test_rows_with_the_wrong_number_of_cells_are_flagged_not_dropped(self):
        data = b"label,kind,note\nA,b\nB,c,d,extra\nC,d,e,,\nD,e,f\n"
        assert rows(data) == [
            (2, {}, "expected 3 fields, found 2 (truncated or malformed row)."),
            (3, {}, "expected 3 fields, found 4 (truncated or malformed row)."),
            (4, {"label": "C", "kind": "d", "note": "e"}, ""),  # trailing empty cells
            (5, {"label": "D", "kind": "e", "note": "f"}, ""),
        ]

    def test_malformed_quote_is_flagged_and_reading_goes_on(self):
        data = b'label,kind\n"A"oops,b\nB,c\nC,"never closed\n'
        (bad, good, unclosed) = rows(data)
        assert bad[0] == 2 and bad[2].startswith("malformed CSV (")
        assert good == (3, {"label": "B", "kind": "c"}, "")
        assert unclosed[0] == 4 and "is a quote left open?" in unclosed[2]

    def test_a_binary_stream_is_read_line_by_line(self):
        stream = io.BytesIO(b"label,kind\r\nA,b\r\n")
        assert [row.values for row in TabularFile(stream)] == [{"label": "A", "kind": "b"}]


class TestYesNo:
    @pytest.mark.parametrize(
        "value",
        ["oui", "Oui", "O", "yes", "Y", "true", "TRUE", "vrai", "Vrai", "1", "x", "X", " ouï "],
    )
    def test_yes(self, value):
        assert parse_yes_no(value, column="is_free") is True

    @pytest.mark.parametrize(
        "value", ["non", "NON", "n", "no", "No", "false", "faux", "FAUX", "0", "", "  ", None]
    )
    def test_no(self, value):
        assert parse_yes_no(value, column="is_free") is False

    @pytest.mark.parametrize("value", ["peut-être", "2", "yes please", "-"])
    def test_anything_else_is_an_error_naming_the_column(self, value):
        with pytest.raises(ValueError) as caught:
            parse_yes_no(value, column="approximate")
        assert str(caught.value) == (
            f"approximate: “{value}” is not yes or no (oui/non, yes/no, vrai/faux, 1/0, x or "
            "empty)."
        )


@pytest.mark.django_db
class TestImportersShareThePolicy:
    """A Latin-1 file is refused the same way, with the same message and line, by every
    tabular importer."""

    @pytest.fixture
    def expected(self) -> TabularFileError:
        return refusal(LATIN1_ON_LINE_3)

    def test_offers(self, expected):
        from courses.importing import ImportFileError, read_offer_file

        with pytest.raises(ImportFileError) as caught:
            read_offer_file(content=LATIN1_ON_LINE_3, filename="offers.csv")
        assert (caught.value.line, caught.value.message) == (expected.line, expected.message)

    def test_postings_csv(self, expected):
        from jobs.ingestion.formats import FeedFormatError, read_bytes

        with pytest.raises(FeedFormatError) as caught:
            list(read_bytes(LATIN1_ON_LINE_3, "csv"))
        assert str(caught.value) == str(expected)

    def test_shortage_list(self, expected):
        from skills.services.shortage import ShortageImportError, shortage_list_import

        with pytest.raises(ShortageImportError) as caught:
            shortage_list_import(
                rows_source=io.BytesIO(LATIN1_ON_LINE_3), title="T", source="S", year=2025
            )
        ((line, message),) = [(issue.line, issue.message) for issue in caught.value.report.errors]
        assert (line, message) == (expected.line, expected.message)

    def test_esco_files(self, expected, tmp_path):
        from skills.importing.esco_reader import EscoImportError, read_rows

        path = tmp_path / "skills.csv"
        path.write_bytes(LATIN1_ON_LINE_3)
        with pytest.raises(EscoImportError) as caught:
            list(read_rows(path, ["label"]))
        assert (caught.value.line, caught.value.message) == (expected.line, expected.message)
        assert str(caught.value) == f"skills.csv, {expected.located()}"
