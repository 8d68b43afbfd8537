"""Big files are read and normalised in a worker process: same result as in-process, and a
worker that fails or dies stops the run cleanly."""
import multiprocessing
import os

import pytest
from sqlalchemy import text

from importers.fields import FIELDS
from importers.models import RunStatus
from importers.prepare import RowPreparer, WorkerStopped, _batches, prepared_batches
from importers.readers import ImportFileError, Records, Row, open_records, openagenda
from portal.listings.enums import ListingType
from tests.importers.helpers import fingerprint, run_import

WORKER = {"IMPORT_WORKER_MIN_BYTES": 0}
IN_PROCESS = {"IMPORT_WORKER_MIN_BYTES": -1}


def _partner_file(path, rows=2500):
    lines = ["id;nom;adresse;code commune;commune;site;coordonnées"]
    for i in range(rows):
        lines.append(f"{i};Atelier n°{i} « Les Lilas »;{i} rue de Paris;93045;Les Lilas;"
                     f"https://exemple.fr/{i};\"48,{8794 + i % 90}, 2,{4180 + i % 70}\"")
    lines.append("9000;=cmd|' /C calc'!A0;1 rue X;93045;Les Lilas;;")   # formula injection: fails
    lines.append("7;Atelier doublon;1 rue Y;93045;Les Lilas;;")           # id already seen: fails
    lines.append("9001;Atelier sans site;2 rue Z;93045;Les Lilas;pas de site;")  # warning only
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(session, source):
    venues = session.execute(text(
        "SELECT v.external_id, v.name, v.slug, v.commune_code, v.website, v.content_hash, "
        "ST_AsText(v.location) AS point, v.location_precision FROM venue v "
        "JOIN import_source s ON s.id = v.source_id WHERE s.name = :source ORDER BY v.external_id"),
        {"source": source}).all()
    return [tuple(row) for row in venues]


def _report(run):
    return sorted((item["row_number"], item["external_id"], item["status"],
                   [e["message"] for e in item["errors"]], item["warnings"]) for item in run.report_items)


def test_a_file_read_in_a_worker_imports_exactly_as_in_process(app, db_session, tmp_path):
    path = _partner_file(tmp_path / "ateliers.csv")
    alone = run_import(app, db_session, path, source="seul", config=IN_PROCESS)
    helped = run_import(app, db_session, path, source="aide", config=WORKER)
    assert (helped.created_count, helped.failed_count) == (alone.created_count, alone.failed_count) == (2501, 2)
    assert _report(helped) == _report(alone)
    assert _stored(db_session, "aide") == _stored(db_session, "seul")
    # Hashes computed across the process boundary still recognise unchanged rows.
    again = run_import(app, db_session, path, source="aide", config=WORKER)
    assert (again.unchanged_count, again.created_count, again.updated_count) == (2501, 0, 0)
    assert multiprocessing.active_children() == []


def test_a_limited_run_stops_the_worker_without_reading_the_whole_file(app, db_session, tmp_path):
    path = _partner_file(tmp_path / "ateliers.csv")
    run = run_import(app, db_session, path, source="limite", config=WORKER, limit=1200)
    assert run.processed_rows == 1200 and run.created_count == 1200
    assert multiprocessing.active_children() == []


class _Table:
    """A reader that yields `good` rows, then does `then` (raise, or kill its process)."""

    columns = ["id", "nom"]
    rereadable = True  # as a CSV file: read by two workers

    def __init__(self, good, then):
        self.good, self.then = good, then

    def rows(self):
        for i in range(self.good):
            yield Row(i + 2, {"id": str(i), "nom": f"Lieu {i}"})
        self.then()


def _collect(then, good=2500):
    records = Records(_Table(good, then), format="csv", delimiter=";")
    preparer = RowPreparer({"id": "external_id", "nom": "name"})
    received = []
    batches = prepared_batches(records, preparer, 1000, in_worker=True)
    try:
        for batch in batches:
            received += batch
    finally:
        batches.close()
    return received


def _file_error():
    raise ImportFileError("encoding", "Le fichier change d'encodage à la ligne 2 502.")


def _bug():
    raise ValueError("bogue de lecture")


def _killed():
    os._exit(9)


def test_the_workers_file_error_reaches_the_run_with_its_message():
    with pytest.raises(ImportFileError) as caught:
        _collect(_file_error)
    assert caught.value.code == "encoding" and "ligne 2 502" in caught.value.message


def test_an_unexpected_error_in_the_worker_is_raised_in_the_importer():
    with pytest.raises(ValueError, match="bogue de lecture"):
        _collect(_bug)


def test_a_worker_that_dies_stops_the_run_with_a_french_message():
    with pytest.raises(WorkerStopped) as caught:
        _collect(_killed)
    assert "code 9" in caught.value.message and "relancez" in caught.value.message
    assert multiprocessing.active_children() == []


def test_rows_cross_the_process_boundary_intact():
    rows = _collect(lambda: None, good=1500)
    assert [row.number for row in rows] == list(range(2, 1502))
    assert rows[7].external_id == "7" and rows[7].record.values["name"] == "Lieu 7"
    assert rows[7].slug == "lieu-7" and len(rows[7].digest) == 64


def test_the_first_batches_are_small_so_that_writing_starts_early():
    records = Records(_Table(5000, lambda: None), format="csv")
    batches = prepared_batches(records, RowPreparer({"id": "external_id", "nom": "name"}), 2000, in_worker=True)
    try:
        sizes = [len(batch) for batch in batches]
    finally:
        batches.close()
    assert sizes == [250, 500, 1000, 2000, 1250]


def test_a_dying_worker_fails_the_run_and_stores_nothing(app, db_session, tmp_path, monkeypatch):
    """Killed mid-file (say by the kernel, out of memory): the run fails, nothing is half-written."""
    path = _partner_file(tmp_path / "ateliers.csv")
    real = RowPreparer.__call__

    def dies_at_row_1800(self, row):
        if row.number == 1800:
            os._exit(9)
        return real(self, row)

    monkeypatch.setattr(RowPreparer, "__call__", dies_at_row_1800)
    before = fingerprint(db_session)
    run = run_import(app, db_session, path, source="interrompu", config=WORKER)
    assert run.status is RunStatus.failed and "relancez" in run.error
    assert fingerprint(db_session) == before


@pytest.mark.parametrize("workers", [1, 3])
def test_batches_from_several_workers_come_in_the_file_s_order_each_row_once(workers):
    records = Records(_Table(5000, lambda: None), format="csv")
    batches = prepared_batches(records, RowPreparer({"id": "external_id", "nom": "name"}), 1000, in_worker=True,
                               workers=workers)
    try:
        rows = [row for batch in batches for row in batch]
    finally:
        batches.close()
    assert [row.number for row in rows] == list(range(2, 5002))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("workers", [2, 3])
def test_readers_that_pass_over_the_others_rows_still_cut_the_batches_where_the_others_do(tmp_path, workers):
    """Each reader makes values only of the rows of its own batches; lines that are no row
    (blank, the header again) or a broken row in another's batch must not move where its own
    batches start: every row comes once, in order, as a single reader reads it."""
    lines = ["id;nom;commune"]
    for i in range(4000):
        lines.append(f"{i};Atelier {i};Pantin")
        if i % 997 == 5:
            lines += ["", ";;", "id;nom;commune"]  # blank lines and the header pasted again
        if i % 613 == 7:
            lines.append(f"x{i};Atelier trop large;Pantin;;;;en trop")  # more cells than the header
        if i % 701 == 3:
            lines.append(f'm{i};"Atelier sur\ndeux lignes";Pantin')  # a cell holding a line break
    path = tmp_path / "ateliers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preparer = RowPreparer({"id": "external_id", "nom": "name", "commune": "commune_name"})

    def read(in_worker, **options):
        with open_records(path) as records:
            batches = prepared_batches(records, preparer, 1000, in_worker=in_worker, **options)
            try:
                return [(row.number, row.external_id, row.record.values.get("name"),
                         [error.message for error in row.record.errors]) for batch in batches for row in batch]
            finally:
                batches.close()

    alone = read(False)
    assert len(alone) > 4000 and any(errors for *_, errors in alone)
    assert read(True, workers=workers) == alone


@pytest.mark.parametrize("workers", [2, 3])
def test_readers_of_an_agenda_export_map_only_their_own_events_in_the_same_batches(tmp_path, workers):
    """The OpenAgenda dataset's CSV export is mapped row by row as it is read (its timings, its
    place): the rows of another reader's batch are passed over before being mapped."""
    lines = ["uid;title_fr;timings;location_name;location_city;location_coordinates"]
    for i in range(3000):
        lines.append(f'{i};Atelier {i};"[{{""begin"": ""2026-11-{1 + i % 28:02d}T10:00:00+01:00"", '
                     f'""end"": ""2026-11-{1 + i % 28:02d}T12:00:00+01:00""}}]";Salle {i % 40};Pantin;48.89, 2.40')
        if i % 997 == 5:
            lines += ["", lines[0]]  # a blank line, the header again
        if i % 701 == 3:
            lines.append(f"x{i};Atelier sans fin;pas une liste;Salle;Pantin;")  # timings unreadable
    path = tmp_path / "evenements-publics-openagenda.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preparer = RowPreparer({name: name for name in FIELDS}, listing_type=ListingType.activity)

    def read(in_worker, **options):
        with open_records(path) as records:
            assert records.format == "openagenda" and records.rereadable
            batches = prepared_batches(records, preparer, 1000, in_worker=in_worker, **options)
            try:
                return [(row.number, row.external_id, row.record.values.get("timings"), row.record.warnings,
                         [error.message for error in row.record.errors]) for batch in batches for row in batch]
            finally:
                batches.close()

    alone = read(False)
    assert len(alone) == 3005 and all(timings for _, _, timings, *_ in alone[:3])
    assert read(True, workers=workers) == alone


def test_a_reader_of_an_agenda_export_does_not_map_the_events_of_the_other_s_batches(tmp_path, monkeypatch):
    lines = ["uid;title_fr;location_name;location_city"] + [f"{i};Atelier {i};Salle;Pantin" for i in range(3000)]
    path = tmp_path / "evenements-publics-openagenda.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapped = []
    real = openagenda.map_ods
    monkeypatch.setattr(openagenda, "map_ods", lambda values: mapped.append(values["uid"]) or real(values))
    preparer = RowPreparer({name: name for name in FIELDS}, listing_type=ListingType.activity)
    with open_records(path) as records:
        before = len(mapped)  # the columns are read from the first rows
        mine = [row.number for batch in _batches(records, preparer, 1000, share=(0, 2)) for row in batch]
    assert len(mine) == 250 + 1000 + 250  # batches 1, 3 and 5 of 250, 500, 1000, 1000, 250
    assert len(mapped) - before == len(mine)


def test_a_csv_file_is_read_by_two_workers_a_workbook_or_a_json_document_by_one(tmp_path, monkeypatch):
    """calamine holds a workbook whole in memory in each reader, as the JSON reader does a
    document: two workers would double it (a 7 MB workbook: 300 MB each). A workbook large
    enough to be streamed costs no memory, but its XML as much time to parse as its rows to
    prepare: a second worker reading it all would add more than it saves. A CSV file costs
    neither."""
    import openpyxl

    from importers.prepare import _processors
    from importers.readers import open_records, sheets

    rows = 3000  # more than a pipe holds: the workers are still at work when counted
    workbook = openpyxl.Workbook()
    for row in [["id", "nom"]] + [[str(i), f"Lieu {i}"] for i in range(rows)]:
        workbook.active.append(row)
    workbook.save(tmp_path / "lieux.xlsx")
    (tmp_path / "lieux.csv").write_text("id;nom\n" + "".join(f"{i};Lieu {i}\n" for i in range(rows)), encoding="utf-8")
    (tmp_path / "lieux.json").write_text("[" + ",".join(f'{{"id": "{i}", "nom": "Lieu {i}"}}' for i in range(rows))
                                         + "]", encoding="utf-8")
    two = min(2, _processors())
    preparer = RowPreparer({"id": "external_id", "nom": "name"})
    for name, large_workbook, expected in (("lieux.csv", False, two), ("lieux.json", False, 1),
                                           ("lieux.xlsx", False, 1), ("lieux.xlsx", True, 1)):
        monkeypatch.setattr(sheets, "STREAM_ABOVE_BYTES", -1 if large_workbook else 10**9)
        with open_records(tmp_path / name) as records:
            batches = prepared_batches(records, preparer, 1000, in_worker=True)
            try:
                assert records.streamed is (name == "lieux.csv" or large_workbook)
                assert len(multiprocessing.active_children()) == expected, name
                assert [row.external_id for batch in batches for row in batch] == [str(i) for i in range(rows)]
            finally:
                batches.close()
    assert multiprocessing.active_children() == []
