"""The traps of issue 18 ("No traps", and the hardening items locks, query, integrity, CSV, CLI edges).

Each test shows one trap's new behaviour; docs/hostile-inputs.md lists them ("Traps and
CLI edges"). Disk full is simulated with SQLite's ``max_page_count``, read-only with a child
process that lost the capabilities that let root ignore file modes (the tests run as root,
where chmod alone blocks nothing).
"""

from __future__ import annotations

import csv
import ctypes
import io
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO_ROOT

from pricewatch.cli import cli

SNAPSHOT = REPO_ROOT / "data" / "snapshot"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """`pricewatch demo --no-site` once: the shipped history and curated prices (~2 s)."""
    db = tmp_path_factory.mktemp("demo") / "pricewatch.db"
    result = run("demo", "--db", str(db), "--no-site")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def own_db(demo_db, tmp_path) -> Path:
    """A copy of the demo database this test may change."""
    copy = tmp_path / "own.db"
    shutil.copyfile(demo_db, copy)
    return copy


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


# ----------------------------------------------------------------------------- no database, no creation


@pytest.mark.parametrize(
    "command",
    [
        ["reparse"],
        ["vacuum"],
        ["status"],
        ["history", "openai/gpt-4o"],
        ["query", "select 1"],
        ["quarantine", "accept", "--all"],
        ["quarantine", "list"],
        ["check", "GPT-4o costs $2.50/$10 per million tokens"],
        ["cost", "--model", "openai/gpt-4o", "--tokens-per-day", "1M"],
        ["build", "--out", "site-out"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_commands_that_read_a_database_never_create_one(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    where = tmp_path / "data" / "pricewatch.db"
    result = run(*command, "--db", str(where))
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Error: no database at {where}; run `pricewatch demo` or `refresh` first"
    )
    assert not (tmp_path / "data").exists()  # no file, no folder, no lock


# ----------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["history", "openai/gpt-4o", "--provider", "opnai"],
            "Error: Unknown provider: opnai; did you mean openai?",
        ),
        (
            ["history", "openai/gpt-4o", "--tier", "batchh"],
            "Error: Unknown tier: batchh; did you mean batch?",
        ),
        (["history", "gpt-4p"], "Error: Unknown model: gpt-4p; did you mean"),
        (
            ["history", "openai/gpt-4o", "--columns", "inptu"],
            "Error: Unknown column: inptu; did you mean input?",
        ),
        (
            ["cost", "--model", "openai/gpt-4o", "--provider", "opnai", "--tokens-per-day", "1M"],
            "Error: Unknown provider: opnai; did you mean openai?",
        ),
    ],
    ids=["provider", "tier", "model", "column", "cost-provider"],
)
def test_a_filter_value_nothing_knows_is_an_error_with_suggestions(demo_db, args, said):
    result = run(*args, "--db", str(demo_db))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(said)
    assert "(no rows)" not in result.output


def test_a_provider_known_by_a_stored_host_id_still_filters(demo_db):
    result = run("history", "openai/gpt-4o", "--provider", "azure", "--db", str(demo_db))
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------- the file alone is whole


def test_every_write_command_leaves_the_write_ahead_log_empty(demo_db, tmp_path):
    wal = Path(f"{demo_db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # after `pricewatch demo`
    result = run("refresh", "--db", str(demo_db.parent / "refreshed.db"), "--replay", str(SNAPSHOT))
    assert result.exit_code == 0, result.output
    refreshed = demo_db.parent / "refreshed.db"
    wal = Path(f"{refreshed}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # `cp pricewatch.db` alone copies every run
    copy = tmp_path / "copy.db"
    shutil.copyfile(refreshed, copy)
    assert _count(copy, "runs") == _count(refreshed, "runs") > 1


# ----------------------------------------------------------------------------- the machine says no


def test_a_port_in_use_is_one_line_exit_4(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>hi</p>")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--dir", str(site), "--port", str(port))
        from pricewatch.commands._common import ensure_port_free
        from pricewatch.errors import MachineError

        with pytest.raises(MachineError, match=f"port {port} on 127.0.0.1 is in use"):
            ensure_port_free("127.0.0.1", port)  # what `datasette` checks before it execs
    assert result.exit_code == 4
    assert result.output == (
        f"Error: port {port} on 127.0.0.1 is in use (another server holds it); pass --port with a free one\n"
    )


@pytest.fixture
def full_disk(monkeypatch):
    """Every writer's connection may not grow the file by a page: SQLite's disk full."""
    import pricewatch.scraper.store as store
    import pricewatch.scraper.store.schema as schema

    real = schema.open_database

    def no_room(path):
        db = real(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(schema, "open_database", no_room)
    monkeypatch.setattr(store, "open_database", no_room, raising=False)


def test_a_full_disk_is_one_line_exit_4_and_loses_nothing(own_db, full_disk):
    prices, offers = _count(own_db, "prices"), _count(own_db, "offers")
    result = run("refresh", "--db", str(own_db), "--replay", str(SNAPSHOT))
    assert result.exit_code == 4, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: the disk is full (SQLite: database or disk is full); the sources it stopped stored "
        "nothing, the rest is intact"
    ]
    assert "Traceback" not in result.output
    conn = sqlite3.connect(own_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0
    finally:
        conn.close()
    assert _count(own_db, "prices") >= prices and _count(own_db, "offers") >= offers


def test_a_full_disk_in_a_plain_write_command_is_one_line(own_db, full_disk):
    result = run(
        "load-curated", "--db", str(own_db), "--file", str(REPO_ROOT / "data" / "curated_prices.csv")
    )
    if result.exit_code == 0:  # loading twice adds nothing: nothing to write, nothing to refuse
        return
    assert result.exit_code == 4, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: the disk is full")


def _drop_file_mode_override() -> None:
    """In the child: lose CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER, so root obeys file modes."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_unprivileged(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRICEWATCH_NO_CACHE": "1", "HOME": str(home)}
    env.pop("PRICEWATCH_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "pricewatch.cli", *args],
        preexec_fn=_drop_file_mode_override if os.geteuid() == 0 else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def read_only_db(demo_db, tmp_path):
    """The demo database in a folder nobody may write (no -shm can be made beside it)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "pricewatch.db"
    shutil.copyfile(demo_db, db)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    probe = _as_unprivileged(["--version"], tmp_path)
    if probe.returncode != 0:
        pytest.skip(f"cannot run an unprivileged child here: {probe.stderr.strip()[:200]}")
    yield db
    folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize(
    "command",
    [
        ["status"],
        ["history", "openai/gpt-4o", "--provider", "openai"],
        ["query", "select count(*) as n from runs"],
    ],
    ids=lambda c: c[0],
)
def test_a_read_only_folder_still_lets_the_readers_open_the_database(read_only_db, tmp_path, command):
    result = _as_unprivileged([*command, "--db", str(read_only_db)], tmp_path)
    assert result.returncode in (0, 1), result.stderr  # status may say a source is stale (1)
    assert "Error" not in result.stderr
    assert result.stdout.strip()
    assert sorted(p.name for p in read_only_db.parent.iterdir()) == ["pricewatch.db"]


def test_a_write_into_a_read_only_folder_is_one_line_exit_4(read_only_db, tmp_path):
    before = read_only_db.read_bytes()
    result = _as_unprivileged(["reparse", "--db", str(read_only_db)], tmp_path)
    assert result.returncode == 4, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "permission denied" in result.stderr or "read-only" in result.stderr
    assert read_only_db.read_bytes() == before


# ----------------------------------------------------------------------------- the offline refresh


def _offline_transport(calls: list[str]):
    import httpx

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if request.url.host == "down.example":
            cause = socket.gaierror(-2, "Name or service not known")
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from cause
        if request.url.path == "/flaky" and calls.count(str(request.url)) == 1:
            return httpx.Response(503)
        return httpx.Response(200, text="ok")

    return httpx.MockTransport(handle)


def test_an_unreachable_host_is_found_once_and_reported_in_one_line(caplog):
    import asyncio
    import logging

    from pricewatch.errors import FetchError
    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client

    calls: list[str] = []

    async def go() -> list[BaseException | object]:
        settings = FetchSettings()
        async with make_client(settings, transport=_offline_transport(calls)) as client:
            fetcher = Fetcher(client, settings)
            first = await asyncio.gather(fetcher.get("https://down.example/a"), return_exceptions=True)
            rest = await asyncio.gather(
                *(fetcher.get(f"https://down.example/{n}") for n in range(20)), return_exceptions=True
            )
            return [*first, *rest]

    with caplog.at_level(logging.INFO, logger="pricewatch"):
        results = asyncio.run(go())
    assert all(isinstance(r, FetchError) and "cannot reach down.example" in str(r) for r in results)
    assert calls == ["https://down.example/a"]  # no retry, no request for the 20 others
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "cannot reach down.example (DNS: Name or service not known); offline? "
        "`pricewatch refresh --replay DIR` replays recorded responses (e.g. data/snapshot)"
    ]


def test_each_retry_is_one_info_line_of_the_projects_logger(caplog):
    import asyncio
    import logging

    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client

    calls: list[str] = []

    async def go():
        settings = FetchSettings()
        async with make_client(settings, transport=_offline_transport(calls)) as client:
            return await Fetcher(client, settings).get("https://up.example/flaky")

    with caplog.at_level(logging.INFO, logger="pricewatch"):
        assert asyncio.run(go()).body == b"ok"
    lines = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert len(lines) == 1
    name, level, message = lines[0]
    assert name == "pricewatch.scraper.http" and level == logging.INFO
    assert message.startswith("retry 2 of 4 for GET https://up.example/flaky in ") and message.endswith(
        "(HTTP 503)"
    )


def test_an_offline_refresh_says_so_once_per_host_and_quickly(own_db, monkeypatch):
    import httpx

    calls: list[str] = []
    transport = _offline_transport(calls)

    async def offline(self, request):  # every live request meets a machine with no DNS
        request.url = request.url.copy_with(host="down.example")
        return await transport.handle_async_request(request)

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", offline)
    result = run("refresh", "--db", str(own_db), "--source", "openrouter-endpoints", "--source", "openrouter")
    assert result.exit_code == 1, result.output
    hints = [line for line in result.output.splitlines() if "--replay" in line]
    assert hints == [
        "WARNING cannot reach openrouter.ai (DNS: Name or service not known); offline? "
        "`pricewatch refresh --replay DIR` replays recorded responses (e.g. data/snapshot)"
    ]
    assert "retry" not in result.output  # retries are INFO: quiet without -v
    assert len(calls) <= 5  # openrouter.ai tried by its first requests in flight (4 per host), none retried


def test_the_progress_label_counts_sources_in_english():
    from pricewatch.refresh_command import sources_done

    assert sources_done(1, 9) == "1 of 9 sources done"
    assert sources_done(0, 1) == "0 of 1 source done"


# ----------------------------------------------------------------------------- options anywhere


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_works_before_or_after_the_command(where, tmp_path):
    missing = str(tmp_path / "none.db")
    args = (
        ["--debug", "status", "--db", missing]
        if where == "before"
        else ["status", "--db", missing, "--debug"]
    )
    result = run(*args)
    from pricewatch.errors import NoDatabaseError

    assert isinstance(result.exception, NoDatabaseError)  # raised, with its traceback, not one line


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_works_before_or_after_the_command(where, demo_db):
    import logging

    args = (
        ["-v", "status", "--db", str(demo_db)]
        if where == "before"
        else ["status", "--db", str(demo_db), "-v"]
    )
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    assert logging.getLogger("pricewatch").level == logging.INFO
    run("status", "--db", str(demo_db))  # without -v: quiet again
    assert logging.getLogger("pricewatch").level == logging.WARNING


def test_check_keeps_its_own_verbose():
    result = run("check", "-h")
    assert "--verbose" in result.output and "every part's arithmetic" in result.output


# ----------------------------------------------------------------------------- history width


def test_history_is_compact_by_default_and_takes_columns(demo_db):
    result = run("history", "openai/gpt-4o", "--db", str(demo_db))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "valid_from",
        "valid_to",
        "provider",
        "tier",
        "input",
        "output",
        "origin",
        "confidence",
    ]
    assert max(len(line) for line in lines) <= 120
    picked = run("history", "openai/gpt-4o", "--db", str(demo_db), "--columns", "valid_from,input,source_url")
    assert picked.output.splitlines()[0].split() == ["valid_from", "input", "source_url"]
    every = run("history", "openai/gpt-4o", "--db", str(demo_db), "--format", "csv")
    assert len(next(csv.reader(io.StringIO(every.output)))) == 20  # csv keeps every column


# ----------------------------------------------------------------------------- help, check, cost


def test_the_top_level_help_example_names_a_path_that_exists():
    import re

    result = run("--help")
    paths = re.findall(r"--replay (\S+)", result.output)
    assert paths and all((REPO_ROOT / p).is_dir() for p in paths)


@pytest.mark.parametrize(
    ("claim", "said"),
    [
        ("price fell 0x in 0 years", "the fold must be above 0; a period of 0 years has no length"),
        ("price fell 10x in 0 years", "a period of 0 years has no length: the years must be above 0"),
        ("price fell 0x in 2 years", "a fall of 0x means nothing"),
    ],
)
def test_a_trend_claim_of_nothing_is_a_one_line_refusal(demo_db, claim, said):
    result = run("check", claim, "--db", str(demo_db))
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"Error: cannot check {claim!r}: ") and said in result.output
    assert "DataError" not in result.output and "Input should be" not in result.output


@pytest.mark.parametrize(
    "option",
    [
        ["--tokens-per-day", "NaN"],
        ["--tokens-per-day", "inf"],
        ["--tokens-per-day", "1e999999999M"],
        ["--tokens-per-day", "1M", "--input-share", "nan"],
        ["--tokens-per-day", "1M", "--cache-hit", "1e999999999%"],
        ["--tokens-per-day", "1M", "--cache-write", "-Infinity"],
        ["--tokens-per-day", "1M", "--reasoning-per-output", "NaN"],
        ["--tokens-per-day", "1M", "--reasoning-per-output", "abc"],
        ["--tokens-per-day", "1M", "--days-per-month", "sNaN"],
        ["--tokens-per-month", "NaN"],
        ["--tokens-per-month", "$5"],
        ["--tokens-per-day", "1M", "--batch-share", "NaN%"],
    ],
    ids=lambda o: " ".join(o),
)
def test_cost_refuses_what_is_not_a_number_in_one_line_exit_2(demo_db, option):
    result = run("cost", "--model", "openai/gpt-4o", *option, "--db", str(demo_db))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "InvalidOperation" not in result.output
    assert result.output.splitlines()[-1].startswith("Error: Invalid value for")


def test_trend_refuses_a_nan_threshold(demo_db):
    result = run("trend", "--score", "lmarena_text_score", "--threshold", "nan", "--db", str(demo_db))
    assert result.exit_code == 2 and "is not a finite number" in result.output


# ----------------------------------------------------------------------------- locks and paths


def test_a_symlinked_database_path_shares_the_lock_of_the_file(own_db, tmp_path):
    from pricewatch.scraper.lock import lock_path_for, writer_lock

    link = tmp_path / "elsewhere" / "link.db"
    link.parent.mkdir()
    link.symlink_to(own_db)
    assert lock_path_for(link) == lock_path_for(own_db)
    with writer_lock(own_db):
        result = run("reparse", "--db", str(link), "--no-wait")
    assert result.exit_code == 5, result.output  # the second writer sees the first
    assert not list(link.parent.glob("*.lock"))


# ----------------------------------------------------------------------------- query


@pytest.mark.parametrize(
    "sql",
    [
        "ATTACH '{tmp}/attached.db' AS other",
        "VACUUM INTO '{tmp}/copy.db'",
        "DELETE FROM prices",
        "PRAGMA journal_mode = DELETE",
        "CREATE TEMP TABLE t (a)",
    ],
    ids=["attach", "vacuum-into", "delete", "pragma-set", "temp-table"],
)
def test_query_refuses_to_write_anything_anywhere(demo_db, tmp_path, sql):
    result = run("query", sql.format(tmp=tmp_path), "--db", str(demo_db))
    assert result.exit_code == 2, result.output
    assert "only reads" in result.output and result.output.count("\n") == 1
    assert not list(tmp_path.glob("*.db"))


def test_query_still_reads_pragmas_that_describe(demo_db):
    result = run("query", "PRAGMA table_info(prices)", "--db", str(demo_db))
    assert result.exit_code == 0, result.output


def test_query_stops_at_its_timeout(demo_db):
    endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
    result = run("query", endless, "--db", str(demo_db), "--timeout", "0.2")
    assert result.exit_code == 2, result.output
    assert result.output == "Error: query failed: stopped after 0.2 s (--timeout; 0 means none)\n"


def test_query_stops_on_ctrl_c(demo_db):
    from pricewatch.scraper.store.reader import open_reader

    endless = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r"
    reader = open_reader(demo_db)
    try:
        with pytest.raises(KeyboardInterrupt):
            _run_with_sigint(reader, endless)
    finally:
        reader.close()


def _run_with_sigint(reader, sql):
    """Send SIGINT to ourselves from a timer thread once the query runs (its handler is installed)."""
    import signal
    import threading

    started = threading.Event()
    original = signal.getsignal(signal.SIGINT)

    def fire() -> None:
        # Wait until the query installed its own handler (it runs then), then press Ctrl-C.
        while signal.getsignal(signal.SIGINT) is original and not started.wait(0.01):
            pass
        if not started.is_set():
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=fire, daemon=True)
    thread.start()
    try:
        return reader.run_user_query(sql, timeout_s=60)
    finally:
        started.set()
        thread.join(5)


# ----------------------------------------------------------------------------- integrity


def _damage(db: Path) -> None:
    """Overwrite a page in the middle of the file (the header stays: SQLite still opens it)."""
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(b"\xff" * 4096)


def test_a_damaged_database_is_not_published(own_db, tmp_path):
    _damage(own_db)
    result = run("build", "--db", str(own_db), "--out", str(tmp_path / "site"))
    assert result.exit_code == 4, result.output
    assert result.output.startswith(f"Error: the database at {own_db} is damaged (quick_check: ")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_a_damaged_database_is_not_written_after_a_crash(own_db):
    conn = sqlite3.connect(own_db)
    conn.execute("UPDATE runs SET status = 'running' WHERE id = (SELECT max(id) FROM runs)")  # a killed run
    conn.commit()
    conn.close()
    _damage(own_db)
    before = own_db.read_bytes()
    result = run("reparse", "--db", str(own_db))
    assert result.exit_code == 4, result.output
    assert "is damaged (quick_check: " in result.output and result.output.count("\n") == 1
    assert own_db.read_bytes() == before


def test_a_foreign_sqlite_file_is_refused_not_migrated(tmp_path):
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    for command in (
        ["refresh", "--replay", str(SNAPSHOT)],
        ["load-curated"],
        ["status"],
        ["query", "select * from customers"],
    ):
        result = run(*command, "--db", str(foreign))
        assert result.exit_code == 2, (command, result.output)
        assert result.output.splitlines()[-1] == (
            f"Error: {foreign} is an SQLite database but not a pricewatch one (none of its tables); "
            "nothing was changed: pass --db with a pricewatch database or a new path"
        )
    assert foreign.read_bytes() == before


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    result = run("refresh", "--replay", str(SNAPSHOT), "--db", str(junk))
    assert result.exit_code == 4, result.output
    assert result.output.splitlines()[-1].startswith(f"Error: the database at {junk} is damaged")


# ----------------------------------------------------------------------------- CSV formula injection


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1", "-1"),
        ("0.5", "0.5"),
        ("1e-6", "1e-6"),
        ("GPT-4o", "GPT-4o"),
        (None, ""),
        (3, 3),
    ],
)
def test_csv_cells_cannot_be_formulas(value, cell):
    from pricewatch.cells import csv_cell

    assert csv_cell(value) == cell


def test_a_formula_in_a_model_name_is_text_in_the_downloads_and_the_terminal(own_db, tmp_path):
    conn = sqlite3.connect(own_db)
    conn.execute(
        "UPDATE models SET name = '=HYPERLINK(\"http://evil.example\",\"x\")' WHERE id = 'openai/gpt-4o'"
    )
    conn.commit()
    conn.close()
    from pricewatch.site.build import _csv

    text = _csv(
        [{"model_name": '=HYPERLINK("http://evil.example","x")', "input": "2.5"}], ["model_name", "input"]
    )
    assert list(csv.reader(io.StringIO(text)))[1] == ['\'=HYPERLINK("http://evil.example","x")', "2.5"]
    result = run(
        "query", "select name from models where id = 'openai/gpt-4o'", "--db", str(own_db), "--format", "csv"
    )
    assert list(csv.reader(io.StringIO(result.output)))[1] == ['\'=HYPERLINK("http://evil.example","x")']
