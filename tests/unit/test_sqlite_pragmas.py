"""SQLite connections read their file through mmap, except while an import runs."""

from __future__ import annotations

from sqlalchemy import create_engine

from registry import web  # (registers the connect listener that sets the PRAGMAs)
from registry.services.imports.writer import unmapped


def test_a_connection_maps_its_file_and_an_import_reads_it_unmapped(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as conn:
        mapped = conn.exec_driver_sql("PRAGMA mmap_size").scalar_one()
        # SQLite caps the asked size at its build's limit (2 GB by default).
        assert 0 < mapped <= web.SQLITE_MMAP_BYTES
        with unmapped(conn):
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar_one() == 0
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar_one() == mapped
    engine.dispose()
