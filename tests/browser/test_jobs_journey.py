"""An area officer uploads a large list: it is read and then written by background jobs;
the officer watches the progress bar move, leaves the page, comes back through the
"Việc đang chạy" list and finds the result.

The server here has a real queue (a SQLite file, as `make run`) worked by a worker
thread of huey, not the in-process jobs of the other tests.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from huey.consumer import Worker
from playwright.sync_api import expect
from werkzeug.serving import make_server

from config import TestConfig
from registry import create_app, demo
from registry.extensions import db
from registry.services.jobs.tasks import queue
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
ROWS = 20_000
LONG = 60_000  # ms: a job of 20,000 rows on a busy two-core machine


@pytest.fixture(scope="module")
def job_server(tmp_path_factory):
    """Base URL of a demo server whose large uploads go to a worker thread."""
    folder = tmp_path_factory.mktemp("jobs_live")

    class Settings(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'registry.db'}"
        WTF_CSRF_ENABLED = True
        JOBS_IMMEDIATE = False
        JOBS_FILE = str(folder / "jobs.db")
        BACKGROUND_IMPORT_KB = 64

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        demo.seed(db.session, candidates=300)
        db.session.commit()
        huey = queue().huey
    stop = threading.Event()
    worker = Worker(huey, stop, default_delay=0.1, max_delay=0.2, backoff=1.15)

    def work() -> None:
        while not stop.is_set():
            worker.loop()

    threads = [threading.Thread(target=work, daemon=True)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threads.append(threading.Thread(target=server.serve_forever, daemon=True))
    for thread in threads:
        thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    stop.set()
    threads[0].join(timeout=30)


@pytest.fixture
def job_page(browser, job_server):
    context = browser.new_context(base_url=job_server, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def large_list(path) -> str:
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị", "Ngày vào danh sách nguồn"]
    ]
    for n in range(ROWS):
        born = date(2004, 1, 1) + timedelta(days=n % 700)
        name = f"Lê Văn Kiểm {n}"
        rows.append([name, f"{born:%d/%m/%Y}", "Nam", "Kinh", "THPT-LC1", "05/09/2024"])
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return str(path)


BAR = "[data-job-state] [role=progressbar]"


def percent_above(page, floor: int) -> int:
    """Wait until the bar shows more than `floor` percent (and the job still runs)."""
    page.wait_for_function(
        """floor => {
            const bar = document.querySelector("[data-job-state] [role=progressbar]");
            const now = bar && bar.getAttribute("aria-valuenow");
            return now !== null && Number(now) > floor && Number(now) < 100;
        }""",
        arg=floor,
    )
    return int(page.locator(BAR).get_attribute("aria-valuenow") or 0)


def test_a_large_import_shows_a_moving_bar_and_is_found_again_in_the_job_list(job_page, tmp_path):
    page = job_page
    sign_in(page, "phuong.laocai")
    page.goto("/imports/")
    page.get_by_label("Tệp danh sách").set_input_files(large_list(tmp_path / "toan_tinh.csv"))
    page.get_by_role("button", name="Tải lên và xem trước").click()

    # The reading is a job: its page, then its result, reached without reloading by hand.
    expect(page.get_by_role("heading", name="Đọc và kiểm tra tệp nhập")).to_be_visible()
    expect(page.get_by_test_id("job-result")).to_contain_text(
        f"Đã đọc và kiểm tra {ROWS} dòng: {ROWS} thêm mới", timeout=LONG
    )
    page.get_by_role("link", name="Mở trang lần nhập «toan_tinh.csv»").click()
    page.get_by_role("button", name="Ghi vào sổ theo dõi").click()

    expect(page.get_by_role("heading", name="Ghi danh sách vào sổ theo dõi")).to_be_visible()
    first = percent_above(page, 0)
    later = percent_above(page, first)
    assert 0 < first < later < 100
    expect(page.locator("[data-job-phase]")).to_contain_text("Đang ghi vào sổ theo dõi")

    # The officer leaves, and comes back through the menu while or after it runs.
    page.get_by_role("link", name="Quần chúng ưu tú").click()
    expect(page.get_by_role("heading", name="Quần chúng ưu tú")).to_be_visible()
    page.get_by_role("link", name="Việc đang chạy").click()
    rows = page.get_by_test_id("job-row")
    expect(rows.filter(has_text="Ghi danh sách vào sổ theo dõi")).to_have_count(1)
    expect(rows.filter(has_text="Đọc và kiểm tra tệp nhập")).to_contain_text("Đã xong")
    rows.filter(has_text="Ghi danh sách vào sổ theo dõi").get_by_role("link", name="Xem").click()
    expect(page.get_by_test_id("job-result")).to_contain_text(
        f"Đã nhập {ROWS} dòng: {ROWS} thêm mới", timeout=LONG
    )
    page.get_by_role("link", name="Mở trang lần nhập «toan_tinh.csv»").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Đã ghi")
