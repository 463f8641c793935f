"""Crash safety of `pricewatch vacuum`: SIGKILLed at steps the test chooses, no raw body is ever lost.

A small database holds 36 raw bodies of three URLs fetched over three months of 2025
(the newest of each URL stays in place). `pricewatch vacuum` runs in a subprocess and is
SIGKILLed at its checkpoints (tests/checkpointed_cli.py; never after a delay): after a
month's archive is written but before its raw rows are deleted ("archived"), after they
are deleted but before the month commits ("deleted"), and while VACUUM runs
("compacting", from SQLite's progress handler). After each kill the file passes
``PRAGMA integrity_check`` and every body is readable, from ``raw_responses`` or from its
month's archive; a vacuum run to the end then leaves the same bodies, archives and
members as one uninterrupted vacuum, and no run `running`.
"""

from __future__ import annotations

import io
import tarfile
import zlib

from click.testing import CliRunner
from killpoints import connect, integrity, kill_at, run_statuses

from pricewatch.cli import cli
from pricewatch.scraper.store import finish_run, open_database, save_raw_response, start_run

URLS = [f"https://openrouter.ai/api/v1/models/crash/model-{i}/endpoints" for i in range(3)]
MONTHS = ("2025-01", "2025-02", "2025-03")


def _body(url: str, month: str, day: int) -> bytes:
    lines = [
        f'{{"url": "{url}", "at": "{month}-{day:02d}", "n": {n}, "price": "0.{n}{day}"}}' for n in range(80)
    ]
    return "\n".join(lines).encode()


def _make_db(db_path) -> dict[str, bytes]:
    """The database of bodies fetched over three months; sha256 -> body."""
    db = open_database(db_path)
    run_id = start_run(db, "openrouter", "live", started_at=f"{MONTHS[0]}-01T00:00:00Z")
    bodies = {}
    with db.atomic():
        for month in MONTHS:
            for day in (3, 10, 17, 24):
                for url in URLS:
                    body = _body(url, month, day)
                    sha = save_raw_response(
                        db,
                        run_id=run_id,
                        url=url,
                        status=200,
                        body=body,
                        fetched_at=f"{month}-{day:02d}T00:00:00Z",
                    )
                    assert sha is not None
                    bodies[sha] = body
    finish_run(db, run_id, "ok")
    db.close()
    return bodies


def _stored(db_path) -> tuple[dict[str, bytes], dict[str, bytes], list[tuple]]:
    """Bodies in raw_responses, bodies in the archives (read here, not through the store), the archives' rows."""
    in_table: dict[str, bytes] = {}
    archived: dict[str, bytes] = {}
    with connect(db_path) as conn:
        for sha, compression, body in conn.execute("SELECT sha256, compression, body FROM raw_responses"):
            in_table[sha] = zlib.decompress(body) if compression == "zlib" else body
        for (blob,) in conn.execute("SELECT archive FROM raw_archives ORDER BY month"):
            with tarfile.open(fileobj=io.BytesIO(blob), mode="r:xz") as archive:
                for member in archive:
                    handle = archive.extractfile(member)
                    assert handle is not None
                    archived[member.name] = handle.read()
        members = conn.execute(
            "SELECT m.sha256, m.month, m.size, a.bodies, a.size FROM raw_archive_members m "
            "JOIN raw_archives a ON a.month = m.month ORDER BY m.month, m.sha256"
        ).fetchall()
    return in_table, archived, members


def _assert_nothing_lost(db_path, bodies: dict[str, bytes]) -> None:
    assert integrity(db_path) == [("ok",)]
    in_table, archived, members = _stored(db_path)
    assert {m[0] for m in members} == set(archived), "an archive member row without its body, or the reverse"
    readable = {**archived, **in_table}
    assert readable == bodies, "a raw body was lost or changed"


def _vacuum(db_path) -> None:
    result = CliRunner().invoke(cli, ["vacuum", "--db", str(db_path), "--older-than", "30"])
    assert result.exit_code == 0, result.output


def test_a_vacuum_killed_at_any_step_loses_no_body_and_ends_like_a_clean_one(tmp_path):
    reference = tmp_path / "reference.db"
    bodies = _make_db(reference)
    _vacuum(reference)
    db_path = tmp_path / "killed.db"
    assert _make_db(db_path) == bodies
    log = tmp_path / "vacuum.log"
    args = ["vacuum", "--db", str(db_path), "--older-than", "30"]

    # The first month's archive written, its raw rows not yet deleted: nothing moved.
    seen = kill_at(args, "archived", log)
    assert seen == ["2025-01 archived"]
    _assert_nothing_lost(db_path, bodies)
    assert _stored(db_path)[1] == {}

    # The first month moved and committed; the second's rows deleted, its transaction open.
    seen = kill_at(args, "deleted", log, occurrence=2)
    assert seen[-1] == "2025-02 deleted" and "2025-01 committed" in seen
    _assert_nothing_lost(db_path, bodies)
    assert {m[1] for m in _stored(db_path)[2]} == {"2025-01"}

    # Every month moved; killed while VACUUM rewrites the file.
    seen = kill_at(args, "compacting", log)
    assert seen[-1] == "file compacting"
    _assert_nothing_lost(db_path, bodies)

    _vacuum(db_path)
    _assert_nothing_lost(db_path, bodies)
    assert _stored(db_path) == _stored(reference)
    in_table, archived, _ = _stored(db_path)
    assert len(in_table) == len(URLS) and len(archived) == len(bodies) - len(
        URLS
    )  # the newest of each URL stays
    assert "running" not in run_statuses(db_path)
