"""The dossier's columns of a list through the web import and the command line: introducers
and the cell's vote written on commit, refused as the dossier page refuses them, added
(never rewritten) on update, removed by a rollback, and read back from the detail list."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import delete, select

from registry.domain.dossier import DEFAULT_SETTINGS
from registry.domain.periods import custom
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Candidate, DossierItem, ImportBatch, Introducer
from registry.services.candidates import dossier as dossier_service
from registry.services.imports.rollback import RollbackRefused, rollback_batch
from registry.services.reports.workbooks import ReportRequest, make_report
from tests.factories import login
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import (
    build_world,
    cli_json,
    codes,
    dump,
    person,
    sheet,
    stored_candidate,
)

BINH = {
    "introducer_1_name": "Trần Văn Bình",
    "introducer_1_date": "01/03/2025",
    "introducer_1_member_date": "19/05/2015",
    "introducer_1_months": 24,
}
CUC = {
    "introducer_2_name": "Lê Thị Cúc",
    "introducer_2_date": "02/03/2025",
    "introducer_2_member_date": "02/09/2019",
    "introducer_2_months": 18,
}
# Through the cell's proposal: the training, the dossier and the vote of the cell.
PROPOSED = {
    "trained_date": "15/01/2025",
    "dossier_date": "01/04/2025",
    "cell_resolution_date": "10/05/2025",
    "cell_vote": "18/20",
}


@pytest.fixture
def world(ctx):
    return build_world()


def proposed(n: int, **extra) -> dict:
    return person(n, **{**PROPOSED, **BINH, **CUC, **extra})


def introducers(candidate_id: int) -> list[tuple]:
    stmt = (
        select(
            Introducer.kind,
            Introducer.name,
            Introducer.day,
            Introducer.full_member_since,
            Introducer.months_together,
        )
        .where(Introducer.candidate_id == candidate_id)
        .order_by(Introducer.day, Introducer.id)
    )
    return list(db.session.execute(stmt).tuples())


def votes(candidate_id: int) -> list[tuple]:
    stmt = (
        select(DossierItem.kind, DossierItem.day, DossierItem.votes_for, DossierItem.votes_total)
        .where(DossierItem.candidate_id == candidate_id)
        .order_by(DossierItem.day, DossierItem.id)
    )
    return list(db.session.execute(stmt).tuples())


def by_name() -> dict[str, Candidate]:
    return {c.full_name: c for c in db.session.scalars(select(Candidate))}


TWO_INTRODUCERS = [
    ("member", "Trần Văn Bình", date(2025, 3, 1), date(2015, 5, 19), 24),
    ("member", "Lê Thị Cúc", date(2025, 3, 2), date(2019, 9, 2), 18),
]
CELL_VOTE = [("cell_resolution", date(2025, 5, 10), 18, 20)]


def upload(client, data: bytes) -> ImportBatch:
    response = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(data), "danh_sach.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(ImportBatch, int(response.headers["Location"].rsplit("/", 1)[-1]))


# --- the web import -----------------------------------------------------------------------


def test_a_list_with_introducers_and_the_vote_fills_the_dossier_through_the_pages(world, client):
    officer = world["users"]["officer_a"]
    login(client, officer)
    batch = upload(client, xlsx_bytes(sheet([proposed(1), person(2)])))
    assert (batch.new, batch.error_count) == (2, 0), batch.errors
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Đã nhập 2 dòng: 2 thêm mới" in response.get_data(as_text=True)
    people = by_name()
    first, second = people[person(1)["full_name"]], people[person(2)["full_name"]]
    assert introducers(first.id) == TWO_INTRODUCERS
    assert votes(first.id) == CELL_VOTE
    assert introducers(second.id) == [] and votes(second.id) == []
    row = db.session.scalar(select(Introducer).where(Introducer.candidate_id == first.id))
    assert row.recorded_by_id == officer.id
    page = client.get(f"/candidates/{first.id}").get_data(as_text=True)
    assert "Trần Văn Bình" in page and "Lê Thị Cúc" in page and "18/20" in page


def test_an_introducer_not_a_full_member_or_a_low_vote_is_refused_and_nothing_written(
    world, client
):
    login(client, world["users"]["officer_a"])
    rows = [
        proposed(1, introducer_1_member_date="05/03/2025"),  # after the introduction
        proposed(2, cell_vote="13/20"),
        proposed(3, introducer_2_member_date=None),
    ]
    batch = upload(client, xlsx_bytes(sheet(rows)))
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (2, "introducer_1_member_date", "introducer_not_full_member"),
        (3, "cell_vote", "vote_below_share"),
        (4, "introducer_2_member_date", "introducer_not_full_member"),
    ]
    page = client.get(f"/imports/{batch.id}").get_data(as_text=True)
    assert "Người giới thiệu chưa là đảng viên chính thức" in page
    assert "Biểu quyết dưới hai phần ba" in page
    assert "Chỉ 13/20 đảng viên chính thức tán thành" in page
    before = dump()
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Chưa ghi gì: 3 dòng có lỗi" in response.get_data(as_text=True)
    assert dump() == before


def test_the_template_example_row_carries_introducers_and_a_vote(world, client):
    login(client, world["users"]["officer_a"])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/imports/template").data))
    ws = book["Danh sách"]
    ws["K2"] = "THPT-A"
    out = io.BytesIO()
    book.save(out)
    batch = upload(client, out.getvalue())
    assert (batch.new, batch.error_count) == (1, 0), batch.errors
    client.post(f"/imports/{batch.id}/commit")
    (candidate,) = by_name().values()
    assert [i[1] for i in introducers(candidate.id)] == ["Trần Văn Bình", "Lê Thị Cúc"]
    assert votes(candidate.id) == [("cell_resolution", date(2024, 5, 10), 18, 20)]


# --- the command line ---------------------------------------------------------------------


def write(tmp_path, rows, name="ds.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(sheet(rows)))
    return path


def test_the_command_line_reports_the_same_codes_and_writes_nothing_on_error(
    world, runner, tmp_path
):
    rows = [
        proposed(1, cell_vote="18-20"),
        proposed(2, cell_vote="18/20", cell_resolution_date=None, dossier_date=None),
    ]
    before = dump()
    code, report = cli_json(runner, write(tmp_path, rows), "--commit")
    assert code != 0
    assert codes(report) == [
        (2, "cell_vote", "invalid_vote"),
        (3, "cell_resolution_date", "required"),
    ]
    assert "thiếu ngày chi bộ đề nghị" in report["errors"][1]["message"]
    assert dump() == before


def test_the_command_line_commits_and_the_same_file_again_changes_nothing(world, runner, tmp_path):
    path = write(tmp_path, [proposed(1, introducer_2_months=8)])
    code, report = cli_json(runner, path, "--user", "phuong.an", "--commit")
    assert code == 0 and report["new"] == 1, report
    assert [w["code"] for w in report["warnings"]] == ["few_months_together"]
    (candidate,) = by_name().values()
    assert len(introducers(candidate.id)) == 2 and votes(candidate.id) == CELL_VOTE
    before = dump()
    code, report = cli_json(runner, path, "--commit")
    assert code == 0 and (report["unchanged"], report["updated"]) == (1, 0), report
    after = dump()
    for table in ("candidate", "introducer", "dossier_item", "stage_event"):
        assert after[table] == before[table], table


# --- updates and rollback -----------------------------------------------------------------


def stored_proposed(world):
    """A stored person through the cell's proposal, with one introducer from the page."""
    row = person(1)
    candidate = stored_candidate(
        world["units"]["school_a"],
        full_name=row["full_name"],
        birth_date=row["birth_date"],
        gender="F",
        id_number=row["id_number"],
        cell_resolution_date=date(2025, 5, 10),
    )
    data = dossier_service.IntroducerData(
        "member", "Trần Văn Bình", date(2025, 2, 1), full_member_since=date(2015, 5, 19),
        months_together=30,
    )  # fmt: skip
    dossier_service.add_introducer(db.session, None, candidate, data, DEFAULT_SETTINGS)
    db.session.commit()
    return candidate


def test_an_update_adds_new_introducers_and_the_vote_and_keeps_what_is_recorded(
    world, runner, tmp_path
):
    candidate = stored_proposed(world)
    kept = introducers(candidate.id)
    # Bình's dates differ from the recorded ones; Cúc is new; no vote is recorded yet.
    row = person(1, **BINH, **CUC, cell_vote="18/20")
    code, report = cli_json(runner, write(tmp_path, [row]), "--commit")
    assert code == 0 and report["updated"] == 1, report
    warned = [(w["column"], w["code"]) for w in report["warnings"]]
    assert ("introducer_1_name", "introducer_differs") in warned
    assert introducers(candidate.id) == [*kept, TWO_INTRODUCERS[1]]
    assert votes(candidate.id) == CELL_VOTE  # dated by the stored cell's proposal

    # A second list with another vote: the recorded resolution is kept, with a warning.
    code, report = cli_json(runner, write(tmp_path, [person(1, cell_vote="19/20")], "b.xlsx"),
                            "--commit")  # fmt: skip
    assert code == 0 and report["unchanged"] == 1, report
    assert [w["code"] for w in report["warnings"]] == ["vote_differs"]
    assert votes(candidate.id) == CELL_VOTE


def test_rolling_back_removes_what_the_batch_added_to_the_dossiers(world, runner, tmp_path):
    candidate = stored_proposed(world)
    kept = introducers(candidate.id)
    rows = [person(1, **CUC, cell_vote="18/20"), proposed(2)]
    code, report = cli_json(runner, write(tmp_path, rows), "--commit")
    assert code == 0 and (report["updated"], report["new"]) == (1, 1), report
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert len(introducers(candidate.id)) == 2
    counts = rollback_batch(db.session, None, batch)
    db.session.commit()
    assert counts == {"removed": 1, "restored": 1}
    assert introducers(candidate.id) == kept and votes(candidate.id) == []
    assert db.session.scalar(select(Introducer).where(Introducer.name == "Lê Thị Cúc")) is None
    assert list(db.session.scalars(select(DossierItem))) == []


def test_a_rollback_is_refused_after_the_dossier_changed_on_the_page(world, runner, tmp_path):
    code, _report = cli_json(runner, write(tmp_path, [proposed(1)]), "--commit")
    assert code == 0
    batch = db.session.scalar(select(ImportBatch))
    (candidate,) = by_name().values()
    item = dossier_service.ItemData("application", date(2025, 1, 10))
    dossier_service.add_item(db.session, None, candidate, item, DEFAULT_SETTINGS)
    db.session.commit()
    with pytest.raises(RollbackRefused) as refused:
        rollback_batch(db.session, None, batch)
    db.session.rollback()
    assert candidate.full_name in str(refused.value)


# --- the detail list round-trips ----------------------------------------------------------


def test_the_detail_list_writes_the_dossier_columns_and_reads_back_into_an_empty_register(
    world, runner, tmp_path
):
    rows = [proposed(1), proposed(2, **{k: None for k in CUC}, cell_vote="14/21"), person(3)]
    code, report = cli_json(runner, write(tmp_path, rows), "--commit")
    assert code == 0 and report["new"] == 3, report

    def dossiers() -> dict[str, tuple]:
        return {
            name: (introducers(c.id), [v[2:] for v in votes(c.id)]) for name, c in by_name().items()
        }

    exported = dossiers()
    assert exported[person(1)["full_name"]] == (TWO_INTRODUCERS, [(18, 20)])
    assert exported[person(2)["full_name"]] == (TWO_INTRODUCERS[:1], [(14, 21)])
    request = ReportRequest(
        "candidates", custom(date(2019, 1, 1), date(2026, 12, 31)), world["areas"]["province"]
    )
    export = make_report(db.session, world["users"]["province"], request)
    book = openpyxl.load_workbook(io.BytesIO(export.data()))
    header = next(r for r in book.active.iter_rows(values_only=True) if r[0] == "STT")
    assert header[-1] == "Biểu quyết của chi bộ (tán thành/chính thức)"
    assert header[-9] == "Người giới thiệu 1: họ tên"

    # A register with nobody in it: the list as exported brings everyone back.
    db.session.execute(delete(Candidate))
    db.session.execute(delete(ImportBatch))
    db.session.commit()
    path = tmp_path / "xuat.xlsx"
    path.write_bytes(export.data())
    code, report = cli_json(runner, path, "--user", "phuong.an", "--commit")
    assert code == 0 and report["new"] == 3, report
    assert dossiers() == exported


def test_an_introducer_that_completes_the_dossier_makes_it_valid_as_the_page_would(
    world, runner, tmp_path
):
    today = today_vn()
    recent = today - timedelta(days=40)
    row = person(1)
    candidate = stored_candidate(
        world["units"]["school_a"],
        full_name=row["full_name"],
        birth_date=row["birth_date"],
        gender="F",
        id_number=row["id_number"],
        trained_date=today - timedelta(days=90),
    )
    for kind in ("application", "background", "verification", "mass_opinions", "residence_opinion"):
        item = dossier_service.ItemData(kind, recent)
        dossier_service.add_item(db.session, None, candidate, item, DEFAULT_SETTINGS)
    first = dossier_service.IntroducerData(
        "member", "Trần Văn Bình", recent, full_member_since=date(2015, 5, 19), months_together=30
    )
    dossier_service.add_introducer(db.session, None, candidate, first, DEFAULT_SETTINGS)
    db.session.commit()
    assert candidate.dossier_valid_until is None  # one introducer only
    second = {**CUC, "introducer_2_date": recent.strftime("%d/%m/%Y")}
    code, report = cli_json(runner, write(tmp_path, [person(1, **second)]), "--commit")
    assert code == 0 and report["updated"] == 1, report
    db.session.expire_all()
    # What the dossier service computes from the same rows.
    expected = dossier_service.valid_until(db.session, candidate, today, DEFAULT_SETTINGS)
    assert expected is not None and candidate.dossier_valid_until == expected
