"""Faults (#9, "Faults"): a process killed in mid-ingestion, the database failing in the middle
of an import or a batch, the mail server down while digests go out. In each case nothing is
half-written, the failure is recorded where an operator sees it, and running again reaches
exactly the state a clean run reaches.

Database failures are real ones: a trigger makes the database itself refuse one row, as a full
disk or a lost connection would, in the middle of the write.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from wagtail.models import Page

from cms.alerts import alert_digests_send
from cms.models import SavedSearch
from cms.tasks import send_alert_digests
from courses.importing import read_offer_file
from courses.importing.regional_reader import read_regional_catalogue
from courses.models import OfferPage, ProviderPage, Session
from courses.services.importing import offer_import
from courses.services.regional import regional_catalogue_import
from jobs.models import IngestRun, JobPosting
from jobs.services import posting_ingest
from tests.cms.test_alerts import (
    BASE,
    add_session,
    offers,  # noqa: F401
    subscribe,
)
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.courses.factories import make_provider

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 500  # posting_ingest's chunk size, the unit a killed ingestion leaves behind


# --------------------------------------------------------------------------- a trigger that fails


def fail_inserts(table: str, column: str, value: str) -> None:
    """From now on (until the test's rollback or `stop_failing`), the database refuses to
    insert into `table` a row whose `column` is `value`."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER wake_fault BEFORE INSERT ON {table} "
                f"WHEN NEW.{column} = '{value}' "
                "BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION wake_fault() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.{column} = '{value}' THEN "
                "RAISE EXCEPTION 'simulated storage failure'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER wake_fault BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION wake_fault()"
            )


def stop_failing(table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER wake_fault")
        else:
            cursor.execute(f"DROP TRIGGER wake_fault ON {table}")
            cursor.execute("DROP FUNCTION wake_fault()")


# --------------------------------------------------------------------------- database errors


OFFERS_CSV = (
    "external_id;title;summary;format;modality;session_start;session_location\n"
    "F-1;Soudure TIG;Apprendre à souder.;short;on-site;2027-01-10;Mons\n"
    "F-2;Montage vidéo;Les bases du montage.;short;on-site;2027-02-10;PANNE\n"
    "F-3;Pâtisserie;Les bases du sucré.;short;on-site;2027-03-10;Namur\n"
).encode()


@pytest.mark.django_db
def test_a_database_error_in_mid_import_loses_one_offer_whole_and_reports_it(provider_index):
    """Before: the error escaped `offer_import` as a traceback, F-3 was never imported and the
    report of F-1 was lost."""
    provider = make_provider(name="Centre Panne")
    fail_inserts(Session._meta.db_table, "location", "PANNE")
    report = offer_import(
        provider=provider,
        records=read_offer_file(content=OFFERS_CSV, filename="offres.csv"),
        dry_run=False,
        publish=True,
    )
    outcomes = {o.key: o for o in report.outcomes}
    assert [outcomes[k].outcome for k in ("F-1", "F-2", "F-3")] == ["created", "error", "created"]
    assert "simulated storage failure" in outcomes["F-2"].reasons[0]
    assert outcomes["F-2"].page_id is None
    pages = OfferPage.objects.filter(provider=provider)
    assert sorted(pages.values_list("external_id", flat=True)) == ["F-1", "F-3"]
    assert not Session.objects.filter(location="PANNE").exists()
    provider.refresh_from_db()
    assert provider.numchild == 2  # the page tree does not count the page rolled back
    assert Page.find_problems() == ([], [], [], [], [])

    stop_failing(Session._meta.db_table)
    again = offer_import(
        provider=provider,
        records=read_offer_file(content=OFFERS_CSV, filename="offres.csv"),
        dry_run=False,
        publish=True,
    )
    assert again.counts == {"created": 1, "updated": 0, "unchanged": 2, "error": 0}
    assert pages.count() == 3


REGIONAL_HEADER = (
    "codeexterne;type_organisme;abreviation;denomination_sociale;denomination_commerciale;"
    "numeroidentification;localisation_potentielle;intitule;duree;courte;moyenne;longue;"
    "qualifiante;certifiante;public;condition_specifique\n"
)
REGIONAL_ROW = (
    "{code};Cheque-formation;;Centre Panne SRL;;412345678;Namur;{title};14 Heures;"
    "OUI;NON;NON;NON;NON;Travailleur;\n"
)


@pytest.mark.django_db
def test_a_database_error_in_mid_regional_import_writes_nothing(provider_index):
    """Before: a traceback; now the report says the database refused and nothing was written."""
    titles = ["SOUDURE", "PANNE", "PATISSERIE"]
    content = (
        REGIONAL_HEADER
        + "".join(REGIONAL_ROW.format(code=n, title=t) for n, t in enumerate(titles, 1))
    ).encode()
    before = (ProviderPage.objects.count(), OfferPage.objects.count(), Page.objects.count())
    fail_inserts(OfferPage._meta.db_table, "external_id", "2")
    report = regional_catalogue_import(records=read_regional_catalogue(content), dry_run=False)
    assert any("simulated storage failure" in error for error in report.errors), report.as_text()
    after = (ProviderPage.objects.count(), OfferPage.objects.count(), Page.objects.count())
    assert after == before
    assert Page.find_problems() == ([], [], [], [], [])

    stop_failing(OfferPage._meta.db_table)
    report = regional_catalogue_import(records=read_regional_catalogue(content), dry_run=False)
    assert not report.errors and report.count("created") == 3


_WORD_TEXT = (
    "soudure inox atelier montage vidéo pâtisserie comptabilité logistique cariste "
    "menuiserie électricité plomberie réseau serveur client vente accueil cuisine "
    "boulangerie chantier peinture carrelage toiture jardin entretien nettoyage transport "
    "livraison stock magasin caisse banque assurance dossier contrat budget rapport analyse "
    "données python java web graphisme animation son lumière scène couture coiffure soins "
    "infirmier aide école"
)
WORDS = _WORD_TEXT.split()


def feed(count: int, *, prefix: str = "P") -> list[dict]:
    """Postings different enough that none is a near-duplicate of another."""
    return [
        {
            "id": f"{prefix}-{n}",
            "title": " ".join(random.Random(n).sample(WORDS, 3)),
            "description": " ".join(random.Random(-n).sample(WORDS, 20)),
            "posted_on": "2026-09-01",
        }
        for n in range(1, count + 1)
    ]


@pytest.mark.django_db
def test_a_database_error_in_mid_batch_keeps_whole_chunks_and_resumes_to_a_clean_end(source):
    records = feed(9)
    records[6]["id"] = "PANNE"  # the 7th record, in the 4th chunk of 2
    fail_inserts(JobPosting._meta.db_table, "external_id", "PANNE")
    with pytest.raises(Exception, match="simulated storage failure"):
        posting_ingest(records=records, source=source, parse=False, chunk_size=2)
    run = IngestRun.objects.get(source=source)
    assert run.status == IngestRun.Status.FAILED and "simulated storage failure" in run.failure
    written = JobPosting.objects.filter(source=source)
    assert sorted(written.values_list("external_id", flat=True)) == [f"P-{n}" for n in range(1, 7)]
    assert (run.processed, run.created) == (6, 6)  # the run's counters match what was kept

    stop_failing(JobPosting._meta.db_table)
    report = posting_ingest(records=records, source=source, parse=False, chunk_size=2)
    assert (report.processed, report.created, report.unchanged, report.rejected) == (9, 3, 6, 0)
    assert written.count() == 9
    assert set(written.values_list("status", flat=True)) == {JobPosting.Status.PUBLISHED}


# --------------------------------------------------------------------------- kill -9


class SubprocessDatabase:
    """The test database as another process sees it: the test's own PostgreSQL database, or a
    file copy of the in-memory SQLite one (read back with sqlite3)."""

    def __init__(self, folder: Path):
        if connection.vendor == "sqlite":
            self.path = folder / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            db = settings.DATABASES["default"]
            self.path = None
            self.url = (
                f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}"
                f":{db['PORT'] or 5432}/{db['NAME']}"
            )

    def scalar(self, sql: str, params=()):
        if self.path is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return cursor.fetchone()
        with sqlite3.connect(self.path, timeout=20) as reader:
            return reader.execute(sql, params).fetchone()

    def manage(self, *args: str, **popen) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": self.url,
            "WAKE_INGEST_STALE_MINUTES": popen.pop("stale_minutes", "30"),
        }
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_an_ingestion_killed_in_mid_run_is_failed_then_resumed_to_exact_counts(tmp_path):
    total = 3_000
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in feed(total)), encoding="utf-8")
    db = SubprocessDatabase(tmp_path)
    runs, postings = IngestRun._meta.db_table, JobPosting._meta.db_table

    def state():
        run = db.scalar(f"SELECT id, status, processed, created FROM {runs} ORDER BY id DESC")
        count = db.scalar(f"SELECT COUNT(*) FROM {postings} WHERE status = 'published'")[0]
        return run, count

    ingest = ("ingest_postings", str(path), "--source", "killed", "--create-source", "--no-parse")
    process = db.manage(*ingest)
    deadline = time.monotonic() + 300
    while True:  # kill it once two chunks at least are written, well before the end
        run, _count = state() if db.scalar(f"SELECT COUNT(*) FROM {runs}")[0] else (None, 0)
        if run and run[2] >= 2 * CHUNK:
            os.kill(process.pid, signal.SIGKILL)
            break
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the ingestion never got going"
        time.sleep(0.02)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    (run_id, status, processed, created), published = state()
    assert status == "running"  # nobody marked it: it was killed
    assert 0 < processed < total, "killed in mid-run"
    assert processed % CHUNK == 0, "only whole chunks are written"
    assert published == created == processed, "the postings visible are the chunks counted"

    sweep = db.manage("fail_stale_ingest_runs", stale_minutes="0")
    out, err = sweep.communicate(timeout=120)
    assert sweep.returncode == 0, err
    assert "1 interrupted run(s) marked failed" in out
    assert db.scalar(f"SELECT status FROM {runs} WHERE id = ?", (run_id,))[0] == "failed"

    again = db.manage(*ingest)
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    counts = re.search(
        r"(\d+) records, (\d+) created, (\d+) updated, (\d+) unchanged, \d+ duplicates, "
        r"(\d+) rejected",
        out,
    )
    assert counts, out
    assert [int(n) for n in counts.groups()] == [total, total - processed, 0, processed, 0]
    _run, published = state()
    assert published == total
    assert db.scalar(f"SELECT COUNT(DISTINCT external_id) FROM {postings}")[0] == total


# --------------------------------------------------------------------------- mail server down


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HangUpServer:
    """An SMTP server that accepts the connection and hangs up at once."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def _serve(self):
        while True:
            try:
                client, _address = self.socket.accept()
            except OSError:
                return
            client.close()

    def __exit__(self, *exc):
        self.socket.close()


@pytest.mark.django_db
@pytest.mark.parametrize("server", ["refused", "hangs up"])
def test_a_digest_the_mail_server_fails_is_logged_and_sent_at_the_next_run(
    client,
    offers,  # noqa: F811
    settings,
    caplog,
    server,
):
    welding, _pastry = offers
    saved = subscribe(client, query="q=soudure", email="soudeuse@example.be")
    new = add_session(welding, 50)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 5
    with HangUpServer() as hang_up, caplog.at_level(logging.ERROR, logger="cms.alerts"):
        settings.EMAIL_PORT = closed_port() if server == "refused" else hang_up.port
        result = send_alert_digests.enqueue(frequency="daily")  # as the worker runs it
    assert result.return_value == {"sent": 0, "nothing_new": 0, "failed": 1}
    assert any(f"Alert digest {saved.pk}" in r.getMessage() for r in caplog.records)
    saved.refresh_from_db()
    assert saved.failures == 1 and saved.last_error and saved.last_sent_at is None
    assert not saved.deliveries.filter(item_id=new.pk).exists(), "nothing told is recorded"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alert_digests_send(frequency="daily", base_url=BASE).sent == 1
    saved = SavedSearch.objects.get(pk=saved.pk)
    assert saved.failures == 0 and saved.deliveries.filter(item_id=new.pk).exists()


# --------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB filesystem (tmpfs), so that writes fail with ENOSPC as on a full disk."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a small filesystem needs root: " + mounted.stderr.decode().strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def fill(disk: Path, *, leave_bytes: int) -> None:
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with (disk / "filler").open("wb") as filler:
        filler.write(b"\0" * max(free - leave_bytes, 0))


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_full_disk_while_writing_the_open_data_dump_keeps_the_previous_one_served(
    small_disk, settings, client, provider_index
):
    from django.core.management import CommandError, call_command

    from cms.opendata import OpenDataWriteError, open_data_latest, open_data_write
    from tests.courses.factories import make_offer

    settings.OPEN_DATA_ROOT = small_disk / "open-data"
    provider = make_provider(name="Centre Disque")
    make_offer(provider, title="Soudure semi-automatique")
    first = open_data_write()
    served = body(client.get("/donnees-ouvertes/offers.json"))

    for number in range(5):
        make_offer(provider, title=f"Offre de formation numéro {number}")
    fill(small_disk, leave_bytes=8192)

    with pytest.raises(OpenDataWriteError, match="previous dump is still the one published"):
        open_data_write()
    with pytest.raises(CommandError, match="could not be written"):
        call_command("export_open_data")

    assert open_data_latest().folder == first.folder
    leftovers = [p.name for p in settings.OPEN_DATA_ROOT.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert body(client.get("/donnees-ouvertes/offers.json")) == served
