import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from skills.models import Occupation, ShortageList, ShortageListEntry
from skills.services.shortage import ShortageImportError, shortage_list_import


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions read the English source messages; the site defaults to French."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

ESCO = "http://data.europa.eu/esco/occupation/"
WEB_DEVELOPER = ESCO + "c40a2919-48a9-40ea-b506-1f34f693496d"
SOFTWARE_DEVELOPER = ESCO + "f2b15a0e-e65a-438a-affb-29b9d50b77d1"
DATA_SCIENTIST = ESCO + "258e46f9-0075-4a2e-adae-1ff0477e0f30"
SOUND_DESIGNER = ESCO + "790c8dca-f624-4bdc-ac16-27bc13ead188"
NOT_IN_TAXONOMY = ESCO + "00000000-0000-4000-8000-000000000000"

HEADER = "label,kind,esco_occupation_uris,rome_code,approximate,note\n"
VALID_CSV = (
    HEADER + f"Développeur Full Stack,Pénurie,{WEB_DEVELOPER}|{SOFTWARE_DEVELOPER},m1855,oui,"
    '"web, logiciel"\n'
    + f"Data scientist,FONCTION CRITIQUE,{DATA_SCIENTIST},M1405,non,\n"
    + f"Sound designer,sector_need,{SOUND_DESIGNER},,,\n"
)
METADATA = {"title": "Métiers en pénurie", "source": "Le Forem", "year": 2025}


def write(tmp_path, text: str, name: str = "list.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, **overrides):
    return shortage_list_import(rows_source=path, **{**METADATA, **overrides})


def errors_of(path, **overrides) -> list[tuple[int | None, str]]:
    with pytest.raises(ShortageImportError) as caught:
        run(path, **overrides)
    return [(issue.line, issue.message) for issue in caught.value.report.errors]


def test_valid_import_creates_the_list_and_its_entries(tmp_path):
    report = run(write(tmp_path, VALID_CSV), source_url="https://www.leforem.be/", notes="n")

    shortage_list = ShortageList.objects.get(source="Le Forem", year=2025, region="Wallonie")
    assert (shortage_list.title, shortage_list.source_url, shortage_list.notes) == (
        "Métiers en pénurie",
        "https://www.leforem.be/",
        "n",
    )
    assert not shortage_list.is_demo
    entries = {entry.label: entry for entry in shortage_list.entries.all()}
    full_stack = entries["Développeur Full Stack"]
    assert full_stack.kind == ShortageListEntry.Kind.SHORTAGE
    assert full_stack.rome_code == "M1855"
    assert full_stack.mapping_is_approximate
    assert full_stack.mapping_note == "web, logiciel"
    assert set(full_stack.occupations.values_list("uri", flat=True)) == {
        WEB_DEVELOPER,
        SOFTWARE_DEVELOPER,
    }
    assert entries["Data scientist"].kind == ShortageListEntry.Kind.CRITICAL
    assert not entries["Data scientist"].mapping_is_approximate
    assert entries["Sound designer"].kind == ShortageListEntry.Kind.SECTOR_NEED
    assert [e.label for e in shortage_list.entries.order_by("position")] == [
        "Développeur Full Stack",
        "Data scientist",
        "Sound designer",
    ]
    assert report.list_action == "created"
    assert report.counts["created"] == 3
    assert report.changes == 4
    assert [outcome.line for outcome in report.entries] == [2, 3, 4]


def test_second_run_reports_no_change(tmp_path):
    path = write(tmp_path, VALID_CSV)
    run(path)
    report = run(path)
    assert report.changes == 0
    assert report.list_action == "unchanged"
    assert report.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "removed": 0,
        "skipped": 0,
    }
    assert ShortageListEntry.objects.count() == 3


def test_changed_kind_and_note_is_an_update(tmp_path):
    run(write(tmp_path, VALID_CSV))
    changed = VALID_CSV.replace("Data scientist,FONCTION CRITIQUE", "Data scientist,penurie")
    changed = changed.replace("M1405,non,\n", "M1405,non,très demandé\n")
    report = run(write(tmp_path, changed, "v2.csv"))

    assert report.counts["updated"] == 1
    assert report.changes == 1
    (outcome,) = [o for o in report.entries if o.action == "updated"]
    assert outcome.label == "Data scientist"
    assert set(outcome.changed_fields) == {"kind", "mapping_note"}
    entry = ShortageListEntry.objects.get(label="Data scientist")
    assert (entry.kind, entry.mapping_note) == ("penurie", "très demandé")


def test_changed_occupations_are_an_update(tmp_path):
    run(write(tmp_path, VALID_CSV))
    changed = VALID_CSV.replace(f"{WEB_DEVELOPER}|{SOFTWARE_DEVELOPER}", WEB_DEVELOPER)
    report = run(write(tmp_path, changed, "v2.csv"))
    assert report.counts["updated"] == 1
    entry = ShortageListEntry.objects.get(label="Développeur Full Stack")
    assert list(entry.occupations.values_list("uri", flat=True)) == [WEB_DEVELOPER]


def test_entry_missing_from_a_reimport_is_removed(tmp_path):
    run(write(tmp_path, VALID_CSV))
    without_sound = "".join(
        line for line in VALID_CSV.splitlines(keepends=True) if "Sound designer" not in line
    )
    report = run(write(tmp_path, without_sound, "v2.csv"))

    assert report.counts["removed"] == 1
    assert report.changes == 1
    assert not ShortageListEntry.objects.filter(label="Sound designer").exists()
    # The occupation belongs to the taxonomy and stays.
    assert Occupation.objects.filter(uri=SOUND_DESIGNER).exists()


def test_metadata_update_is_reported_on_the_list(tmp_path):
    path = write(tmp_path, VALID_CSV)
    run(path)
    report = run(path, title="Métiers en pénurie (révisée)")
    assert report.list_action == "updated"
    assert report.changes == 1
    assert ShortageList.objects.get().title == "Métiers en pénurie (révisée)"


def test_invalid_rows_are_all_reported_with_line_numbers_and_nothing_is_written(tmp_path):
    text = (
        HEADER
        + f"Développeur web,pénurie,{WEB_DEVELOPER},,,\n"  # 2: valid
        + f"Data scientist,urgent,{DATA_SCIENTIST},,,\n"  # 3: unknown kind
        + "Sound designer,critique,not-a-uri,,,\n"  # 4: malformed URI
        + f"Game designer,critique,{NOT_IN_TAXONOMY},,,\n"  # 5: unknown URI
        + f"développeur WEB,critique,{WEB_DEVELOPER},,,\n"  # 6: duplicate label
        + f",critique,{WEB_DEVELOPER},,,\n"  # 7: empty label
        + f"Animateur,critique,{WEB_DEVELOPER},18O5,,\n"  # 8: malformed ROME code
        + f"Monteur,critique,{WEB_DEVELOPER},,peut-être,\n"  # 9: bad approximate
    )
    errors = errors_of(write(tmp_path, text))

    lines = [line for line, _message in errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9]
    messages = dict(errors)
    assert "unknown kind 'urgent'" in messages[3]
    assert "malformed occupation URI 'not-a-uri'" in messages[4]
    assert "not in the taxonomy" in messages[5] and NOT_IN_TAXONOMY in messages[5]
    assert "duplicate label: already on line 2" in messages[6]
    assert "label is empty" in messages[7]
    assert "malformed ROME code '18O5'" in messages[8]
    assert "approximate: “peut-être” is not yes or no" in messages[9]
    assert not ShortageList.objects.exists()
    assert not ShortageListEntry.objects.exists()


def test_an_invalid_reimport_leaves_the_existing_list_untouched(tmp_path):
    run(write(tmp_path, VALID_CSV))
    broken = VALID_CSV.replace("Sound designer,sector_need", "Sound designer,whatever")
    broken = broken.replace("Data scientist,FONCTION CRITIQUE", "Data scientist,penurie")
    assert errors_of(write(tmp_path, broken, "v2.csv"))[0][0] == 4
    assert ShortageListEntry.objects.get(label="Data scientist").kind == "critique"
    assert ShortageListEntry.objects.count() == 3


def test_missing_column_is_reported_on_the_header_line(tmp_path):
    text = "label,esco_occupation_uris\n" + f"Data scientist,{DATA_SCIENTIST}\n"
    ((line, message),) = errors_of(write(tmp_path, text))
    assert line == 1
    assert "missing column(s): kind" in message


def test_truncated_row_and_open_quote_are_reported(tmp_path):
    truncated = HEADER + f"Data scientist,penurie,{DATA_SCIENTIST}\n"
    ((line, message),) = errors_of(write(tmp_path, truncated))
    assert line == 2
    assert "expected 6 fields, found 3" in message

    open_quote = HEADER + f'Data scientist,penurie,{DATA_SCIENTIST},,,"never closed\n'
    ((line, message),) = errors_of(write(tmp_path, open_quote, "quote.csv"))
    assert line == 2
    assert "malformed CSV" in message


def test_multiline_note_is_one_spreadsheet_row(tmp_path):
    """Rows are numbered as a spreadsheet shows them: a cell spanning two lines is one row."""
    text = (
        HEADER
        + f'Data scientist,penurie,{DATA_SCIENTIST},,,"first\nsecond"\n'
        + f"Sound designer,bogus,{SOUND_DESIGNER},,,\n"
    )
    ((line, _message),) = errors_of(write(tmp_path, text))
    assert line == 3


def test_windows_1252_file_is_rejected_with_a_clear_message(tmp_path):
    text = (
        HEADER
        + f"Data scientist,critique,{DATA_SCIENTIST},,,\n"
        + (f"Développeur,pénurie,{WEB_DEVELOPER},,,\n")
    )
    ((line, message),) = errors_of(write(tmp_path, text, encoding="cp1252"))
    assert line == 3
    assert "not valid UTF-8" in message
    assert "CSV UTF-8" in message
    assert not ShortageList.objects.exists()


def test_binary_junk_is_rejected(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    ((_line, message),) = errors_of(path)
    assert "binary content" in message
    assert not ShortageList.objects.exists()


def test_utf16_file_is_rejected(tmp_path):
    ((_line, message),) = errors_of(write(tmp_path, "\ufeff" + VALID_CSV, encoding="utf-16"))
    assert "UTF-16" in message


def test_empty_file_is_rejected(tmp_path):
    ((_line, message),) = errors_of(write(tmp_path, "\n\n"))
    assert "empty" in message


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    report = run(write(tmp_path, VALID_CSV, encoding="utf-8-sig"))
    assert report.counts["created"] == 3
    assert ShortageListEntry.objects.filter(label="Développeur Full Stack").exists()


def test_semicolon_separated_file_from_a_spreadsheet(tmp_path):
    text = (
        "Label;Kind;ESCO_Occupation_URIs;ROME_code;Approximate;Note\r\n"
        f"Développeur web;Pénurie;{WEB_DEVELOPER};M1855;non;a, b\r\n"
    )
    report = run(write(tmp_path, text, encoding="utf-8-sig"))
    entry = ShortageListEntry.objects.get()
    assert (entry.label, entry.kind, entry.mapping_note) == ("Développeur web", "penurie", "a, b")
    assert report.counts["created"] == 1


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, VALID_CSV)
    report = run(path, dry_run=True)
    assert report.dry_run
    assert report.counts["created"] == 3
    assert report.list_action == "created"
    assert not ShortageList.objects.exists()

    run(path)
    changed = VALID_CSV.replace("Data scientist,FONCTION CRITIQUE", "Data scientist,penurie")
    report = run(write(tmp_path, changed, "v2.csv"), dry_run=True)
    assert report.counts["updated"] == 1
    assert ShortageListEntry.objects.get(label="Data scientist").kind == "critique"


def test_occupation_given_by_rome_code_alone(tmp_path):
    text = HEADER + "Designer sonore,critique,,L1507,non,\n"
    report = run(write(tmp_path, text))

    entry = ShortageListEntry.objects.get()
    expected = set(
        Occupation.objects.filter(job_titles__rome_code="L1507", is_obsolete=False)
        .distinct()
        .values_list("uri", flat=True)
    )
    assert SOUND_DESIGNER in expected
    assert set(entry.occupations.values_list("uri", flat=True)) == expected
    assert entry.mapping_is_approximate  # even though the file said "non"
    assert entry.rome_code == "L1507"
    assert any("mapped through ROME code L1507" in w.message for w in report.warnings)


def test_rome_code_without_any_occupation_keeps_an_empty_entry(tmp_path):
    report = run(write(tmp_path, HEADER + "Météorologue,penurie,,M1809,,\n"))
    entry = ShortageListEntry.objects.get()
    assert not entry.occupations.exists()
    assert any("no ESCO occupation carries ROME code M1809" in w.message for w in report.warnings)


def test_unknown_rome_code_is_a_warning(tmp_path):
    report = run(write(tmp_path, HEADER + f"Data scientist,penurie,{DATA_SCIENTIST},N9999,,\n"))
    assert report.is_valid
    assert any("N9999" in str(w) and w.line == 2 for w in report.warnings)


def test_obsolete_occupation_is_a_warning(tmp_path):
    Occupation.objects.filter(uri=DATA_SCIENTIST).update(is_obsolete=True)
    report = run(write(tmp_path, VALID_CSV))
    (warning,) = [w for w in report.warnings if "obsolete" in w.message]
    assert warning.line == 3
    assert ShortageListEntry.objects.get(label="Data scientist").occupations.count() == 1


def test_missing_occupations_can_be_skipped(tmp_path):
    text = (
        HEADER
        + f"Développeur web,penurie,{WEB_DEVELOPER}|{NOT_IN_TAXONOMY},,,\n"
        + f"Inconnu,penurie,{NOT_IN_TAXONOMY},,,\n"
    )
    report = run(write(tmp_path, text), missing_occupations="skip")

    entry = ShortageListEntry.objects.get()
    assert entry.label == "Développeur web"
    assert list(entry.occupations.values_list("uri", flat=True)) == [WEB_DEVELOPER]
    assert report.counts["skipped"] == 1
    assert {w.line for w in report.warnings if NOT_IN_TAXONOMY in w.message} == {2, 3}


def test_accepts_an_uploaded_binary_file(tmp_path):
    upload = io.BytesIO(VALID_CSV.encode("utf-8"))
    upload.name = "liste.csv"
    report = shortage_list_import(rows_source=upload, **METADATA)
    assert report.source_name == "liste.csv"
    assert ShortageListEntry.objects.count() == 3


def test_invalid_metadata_is_reported(tmp_path):
    errors = errors_of(write(tmp_path, VALID_CSV), title=" ", source_url="not a url")
    fields = {message.split(":", 1)[0] for _line, message in errors}
    assert {"title", "source_url"} <= fields
    assert not ShortageList.objects.exists()


def test_lists_are_distinct_per_source_year_and_region(tmp_path):
    path = write(tmp_path, VALID_CSV)
    run(path)
    run(path, year=2024)
    run(path, region="Bruxelles")
    assert ShortageList.objects.count() == 3
    assert ShortageListEntry.objects.count() == 9


# --------------------------------------------------------------------------- command


def test_command_prints_the_per_row_report(tmp_path):
    path = write(tmp_path, VALID_CSV)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_shortage_list",
        str(path),
        "--title=Métiers en pénurie",
        "--source=Le Forem",
        "--year=2025",
        stdout=out,
        stderr=err,
    )
    output = out.getvalue()
    assert "line 2\tDéveloppeur Full Stack: created" in output
    assert "line 4\tSound designer: created" in output
    assert "4 change(s)" in output
    assert ShortageListEntry.objects.count() == 3

    out = io.StringIO()
    call_command(
        "import_shortage_list",
        str(path),
        "--title=Métiers en pénurie",
        "--source=Le Forem",
        "--year=2025",
        stdout=out,
    )
    assert "0 change(s)" in out.getvalue()
    assert "unchanged" in out.getvalue()


def test_command_dry_run(tmp_path):
    out = io.StringIO()
    call_command(
        "import_shortage_list",
        str(write(tmp_path, VALID_CSV)),
        "--title=T",
        "--source=S",
        "--year=2025",
        "--dry-run",
        stdout=out,
    )
    assert "Dry run: nothing was written." in out.getvalue()
    assert not ShortageList.objects.exists()


def test_command_fails_with_line_numbers_on_invalid_input(tmp_path):
    text = HEADER + f"Data scientist,urgent,{DATA_SCIENTIST},,,\n"
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_shortage_list",
            str(write(tmp_path, text)),
            "--title=T",
            "--source=S",
            "--year=2025",
            stderr=err,
        )
    assert caught.value.returncode == 1
    assert "1 error(s); nothing was written" in str(caught.value)
    assert "line 2 (Data scientist): unknown kind 'urgent'" in err.getvalue()
    assert not ShortageList.objects.exists()


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_shortage_list",
            str(tmp_path / "absent.csv"),
            "--title=T",
            "--source=S",
            "--year=2025",
            stderr=io.StringIO(),
        )
    assert "absent.csv" in str(caught.value)
