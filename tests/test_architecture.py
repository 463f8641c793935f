"""Structure rules that import-linter cannot express, checked on the source files with ast.

The layer rules (the dependency direction of shared/STYLE.md) are import-linter contracts in
pyproject.toml, run by `make test` over the link tree of the installed layout (tools/linktree.py).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT


def test_every_error_class_is_defined_in_the_one_error_module():
    """One error tree in one module (pricewatch/errors.py); private control-flow signals aside."""
    control_flow = {"ExitWith"}  # leaves a command with a code after its output; not an error
    offenders = []
    for folder in ("pricewatch", "scraper", "analysis", "site"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if path == REPO_ROOT / "pricewatch" / "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ClassDef)
                    and not node.name.startswith("_")
                    and node.name not in control_flow
                ):
                    bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                    if node.name.endswith(("Error", "Exception")) or bases & {"Exception", "ValueError"}:
                        offenders.append(f"{path.relative_to(REPO_ROOT)}: {node.name}")
    assert offenders == []


# ----------------------------------------------------------------------------- the store owns the SQL
#
# Every SQL statement on the project's tables, and every sqlite-utils table access, lives in
# scraper/store/ (issue 12). The evidence anyone can run is the same regex with grep:
#   grep -rniE "\b(from|join|into|update)\s+(prices|offers|runs|...)\b" --include=*.py pricewatch scraper analysis site

PROJECT_TABLES = (
    "prices",
    "offers",
    "runs",
    "unit_prices",
    "fetches",
    "current_prices",
    "current_prices_usd",
    "price_changes",
    "price_history",
    "models",
    "providers",
    "raw_responses",
    "quarantine",
    "disagreements",
    "fx_rates",
    "curated_sources",
    "corrections",
    "price_corrections",
    "unmapped_names",
    "raw_archives",
    "raw_archive_members",
)
SQL_ON_TABLES = re.compile(rf"\b(from|join|into|update)\s+({'|'.join(PROJECT_TABLES)})\b", re.IGNORECASE)
# What a user is told to type is not SQL the code runs: `pricewatch query "select ..."` examples.
USER_QUERY_EXAMPLE = re.compile(r'pricewatch query "[^"]*"')
# Calls that run SQL or reach a table through sqlite-utils.
DATABASE_CALLS = {"execute", "executemany", "executescript", "query", "table"}
DATABASE_NAMES = {"db", "database", "conn", "connection"}
STORE = REPO_ROOT / "scraper" / "store"
NOT_PRODUCT = {"tests", "bench", "build", "dist", "node_modules"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _product_modules_outside_the_store() -> list[Path]:
    found = []
    for path in sorted(REPO_ROOT.rglob("*.py")):
        parts = path.relative_to(REPO_ROOT).parts
        if parts[0] in NOT_PRODUCT or any(p.startswith(".") for p in parts) or STORE in path.parents:
            continue
        found.append(path)
    return found


def test_the_product_modules_are_found():
    modules = {p.relative_to(REPO_ROOT).as_posix() for p in _product_modules_outside_the_store()}
    assert {"pricewatch/cli.py", "scraper/refresh.py", "analysis/prices.py", "site/build.py"} <= modules
    assert not any(m.startswith(("scraper/store/", "tests/", "bench/")) for m in modules)


def test_no_sql_on_the_projects_tables_outside_the_store():
    offenders = []
    for path in _product_modules_outside_the_store():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL_ON_TABLES.search(USER_QUERY_EXAMPLE.sub("", line)):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def _database_access(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in DATABASE_CALLS
        ):
            found.append((node.lineno, f".{node.func.attr}("))
        elif isinstance(node, ast.Subscript):
            target = node.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in DATABASE_NAMES or name.endswith("_db"):
                found.append((node.lineno, f"{name}[...]"))
    return found


def test_no_database_access_outside_the_store():
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {what}"
        for path in _product_modules_outside_the_store()
        for line, what in _database_access(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_only_the_store_imports_sqlite():
    offenders = [
        f"{path.relative_to(REPO_ROOT)} imports {name}"
        for path in _product_modules_outside_the_store()
        for name in _imports(path)
        if name.split(".")[0] in ("sqlite3", "sqlite_utils")
    ]
    assert offenders == []


def test_the_checks_see_sql_and_database_access():
    """The rules above would catch what they forbid (a check that can never fail proves nothing)."""
    assert SQL_ON_TABLES.search('db.query("SELECT * FROM prices WHERE offer_id = ?")')
    assert SQL_ON_TABLES.search("UPDATE offers SET delisted_at = ?")
    assert SQL_ON_TABLES.search("INSERT OR IGNORE INTO models (id) VALUES (?)")
    assert not SQL_ON_TABLES.search(
        USER_QUERY_EXAMPLE.sub("", 'pricewatch query "select * from current_prices"')
    )
    code = 'db["prices"].insert({})\nrows = db.query("SELECT 1")\nconn.execute("SELECT 1")\nd.table("x")\n'
    assert sorted(_database_access(ast.parse(code))) == [
        (1, "db[...]"),
        (2, ".query("),
        (3, ".execute("),
        (4, ".table("),
    ]


# ----------------------------------------------------------------------------- analysis receives values

CONNECTION_WORDS = ("Database", "Connection", "Cursor", "StoreReader", "Row")


def test_analysis_receives_no_connection():
    """No analysis function takes a database, a connection, a cursor or a row: it receives values."""
    offenders = []
    for path in sorted((REPO_ROOT / "analysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
                if arg.arg in DATABASE_NAMES | {"cursor", "reader", "row", "rows"} or any(
                    re.search(rf"\b{word}\b", annotation) for word in CONNECTION_WORDS
                ):
                    offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {node.name}({arg.arg})")
    assert offenders == []


def test_the_read_only_reader_imports_neither_sqlite_utils_nor_pydantic():
    """The read-only commands start fast: the reader (and what they load with it) stays light."""
    code = (
        "import sys\n"
        "import pricewatch.scraper.store.reader, pricewatch.queries, pricewatch.inputs, pricewatch.crosscheck\n"
        "from pricewatch.scraper.store import open_reader, StoreReader\n"
        "print(sorted(m for m in ('sqlite_utils', 'pydantic', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
