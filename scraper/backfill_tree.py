"""Backfill a folder of many price files over its first-parent history (``backfill models-dev``).

models.dev keeps one TOML file per (provider, model) under ``providers/``; its history is
5,000 commits on ``dev``, many of them merges of long-lived branches whose own commit
dates say when a contributor edited the file, not when the change was published. So the
history read is the first-parent line of the branch (``gitlog.tree_history``): each
first-parent commit is one observation time, and a merge contributes everything it brought
at the merge's time.

The same state as every other kind (``scraper.backfill._Backfill``: change-only writes,
typo quarantine, the $0 rule, the origin and rank of the target) with what a tree adds:

- a commit costs only the files it changed: one ``git log --raw`` gives every commit's
  changed paths and blob ids, one ``git cat-file --batch`` streams the bytes; each distinct
  blob is decoded once (``TreeFiles.load``), each (path, blob) parsed once;
- a symbolic link (``providers/zhipuai/models/glm-4.6.toml -> ../../zai/models/...``) lists
  its target's file under its own path, and changes whenever its target does; a link to
  nothing lists nothing;
- a file deleted at a commit (or left without prices) is that offer no longer listed:
  it is closed at that commit, like a delisting (a third-party database only closes what
  it said itself: ``close_offers(only=...)``);
- two files that resolve to one offer (an alias and its dated name, two regional endpoints
  of one model) list it once: the first path in sorted order stands (counted as
  duplicates);
- a file that is not valid TOML at a commit keeps its previous version (counted as a row
  error and listed), the others carry on;
- citations: every commit read gets a ``fetches`` row for the folder (repository, commit,
  the folder's path), and every file whose price opened a period there one of its own
  (repository, commit, the file's path; ``url`` is the published repository);
- resumable and idempotent: a run skips when every commit is ingested; otherwise it
  replays the ingested commits in memory (no writes) to rebuild the tree and the pending
  typo checks exactly, then stores the rest. Last sightings of unchanged offers are
  written when they change, end or at the end of the run (an interrupted run leaves them
  earlier; the resumed run completes them).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pricewatch.errors import BackfillError, PricewatchError, SourceError
from pricewatch.scraper import gitlog
from pricewatch.scraper.backfill import (
    BATCH_COMMITS,
    BackfillSummary,
    BackfillTarget,
    _Backfill,
    _Parsed,
    recorded_run,
)
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.store import Database
from pricewatch.scraper.store.raw import ingested_commits
from pricewatch.scraper.timeline import THIRD_PARTY

__all__ = ["TreeFiles", "backfill_tree", "models_dev_target", "plan_tree"]

# How many symbolic links one path may go through before it is read as absent (a loop).
MAX_LINK_HOPS = 8


@dataclass(frozen=True)
class TreeFiles:
    """How a folder of price files is read: which paths hold prices, how one is decoded and parsed."""

    is_price_file: Callable[[str], bool]
    load: Callable[[bytes], Any]  # a blob's bytes -> its document (once per distinct blob)
    parse: Callable[[str, Any], Parsed]  # (path, document) -> records
    revision: str = "HEAD"  # whose first-parent line is read


def models_dev_target(revision: str = "HEAD") -> BackfillTarget:
    """models.dev's ``providers/**.toml``: every provider, hosts included, as third-party prices."""
    from pricewatch.scraper.sources import models_dev

    def whole_body(body: bytes) -> Parsed:
        raise BackfillError("models.dev is read as a tree of files, not one body")

    return BackfillTarget(
        kind="models-dev",
        source=models_dev.NAME,
        url=models_dev.UPSTREAM_URL,
        parse=whole_body,
        origin=THIRD_PARTY,
        name_candidates=models_dev.name_candidates,
        tree=TreeFiles(
            is_price_file=models_dev.is_price_file,
            load=models_dev.load,
            parse=models_dev.parse,
            revision=revision,
        ),
    )


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class TreeStep:
    """One commit of the plan: the price files whose contents changed (blob None = not listed)."""

    version: gitlog.TreeVersion
    files: tuple[tuple[str, str | None], ...]


@dataclass
class _Tree:
    """The folder at one commit: blobs of files, targets of links (paths inside the folder)."""

    blobs: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    linked_from: dict[str, set[str]] = field(default_factory=dict)

    def remove(self, path: str) -> None:
        self.blobs.pop(path, None)
        target = self.links.pop(path, None)
        if target is not None:
            self.linked_from[target].discard(path)

    def link(self, path: str, target: str) -> None:
        self.remove(path)
        self.links[path] = target
        self.linked_from.setdefault(target, set()).add(path)

    def content(self, path: str) -> str | None:
        """The blob ``path`` lists, through its links; None when it names nothing."""
        for _ in range(MAX_LINK_HOPS):
            blob = self.blobs.get(path)
            if blob is not None:
                return blob
            next_path = self.links.get(path)
            if next_path is None:
                return None
            path = next_path
        return None

    def readers(self, paths: set[str]) -> set[str]:
        """``paths`` and every link that reads one of them, however many links away."""
        found, queue = set(paths), list(paths)
        while queue:
            for link in self.linked_from.get(queue.pop(), ()):
                if link not in found:
                    found.add(link)
                    queue.append(link)
        return found


def plan_tree(
    versions: list[gitlog.TreeVersion], link_targets: dict[str, str], is_price_file: Callable[[str], bool]
) -> list[TreeStep]:
    """Per commit, the price files whose listed contents changed (pure: blob ids only).

    ``link_targets`` maps a symbolic link's blob to the path it holds (relative to the link).
    """
    tree = _Tree()
    listed: dict[str, str] = {}  # price file -> the blob it lists now
    steps = []
    for version in versions:
        for change in version.changes:
            if change.blob is None:
                tree.remove(change.path)
            elif change.symlink:
                target = link_targets.get(change.blob, "")
                tree.link(
                    change.path, posixpath.normpath(posixpath.join(posixpath.dirname(change.path), target))
                )
            else:
                tree.remove(change.path)
                tree.blobs[change.path] = change.blob
        files = []
        for path in sorted(tree.readers({c.path for c in version.changes})):
            if not is_price_file(path):
                continue
            blob = tree.content(path)
            if blob != listed.get(path):
                files.append((path, blob))
                if blob is None:
                    del listed[path]
                else:
                    listed[path] = blob
        steps.append(TreeStep(version, tuple(files)))
    return steps


# ----------------------------------------------------------------------------- the state


class _TreeBackfill(_Backfill):
    """The loop's state plus the folder: what each file lists, and which file lists each offer."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.files: dict[str, _Parsed] = {}  # price file -> what it lists now
        self.sellers: dict[tuple, dict[str, tuple]] = {}  # offer -> {file: template}
        self.winner: dict[tuple, tuple[str, tuple]] = {}  # offer -> (file, template) listed
        self.dry = False  # replaying commits an earlier run stored: nothing is written
        self.at = ""  # the time of the commit being read
        self.before_at = ""  # the time of the last commit before that second
        self.commits: list[gitlog.TreeVersion] = []  # the batch's commits (fetches rows of the folder)
        self.cited: list[tuple[str, str, str]] = []  # (commit, time, file): fetches rows of files
        self.delists: list[tuple[set[tuple], str]] = []  # offers to close with the batch, and when
        self.delisting: set[tuple] = set()  # their keys: one listed again flushes the batch first

    def add_step(self, version: gitlog.TreeVersion, files: list[tuple[str, _Parsed | None]]) -> None:
        """One commit: the files whose contents changed, parsed (None: no longer listed)."""
        at = version.committed_at
        if at != self.at:  # commits of one second share a time: the earlier second is "before"
            self.before_at, self.at = self.at, at
        previous_at = self.before_at
        summary = self.summary
        summary.read += 1
        summary.first_at = summary.first_at or at
        summary.last_at = at
        # The full loop saw every pending jump listed at the previous commit.
        if previous_at:
            for suspect in self.suspects.values():
                suspect.last_at = max(suspect.last_at, previous_at)
        self.expire_suspects(at)
        before: dict[tuple, tuple[str, tuple] | None] = {}
        cited = set()
        for path, parsed in files:
            old = self.files.pop(path, None)
            for template in old.templates if old is not None else ():
                key = template[0]
                before.setdefault(key, self.winner.get(key))
                sellers = self.sellers[key]
                del sellers[path]
                if not sellers:
                    del self.sellers[key]
            if parsed is None:
                continue
            self._count(parsed, at)
            self.files[path] = parsed
            for template in parsed.templates:
                key = template[0]
                before.setdefault(key, self.winner.get(key))
                self.sellers.setdefault(key, {})[path] = template
        gone = set()
        for key, old_winner in before.items():
            listing = self.sellers.get(key)
            new_winner = None
            if listing:
                first = min(listing)
                new_winner = (first, listing[first])
            if new_winner is not None and old_winner is not None and new_winner[1] is old_winner[1]:
                self.winner[key] = new_winner  # another file, the same values (interned)
                continue
            if old_winner is not None and previous_at:
                self._touch(key, old_winner[1], previous_at)  # its last sighting at the old values
            if new_winner is None:
                del self.winner[key]
                gone.add(key)
                continue
            self.winner[key] = new_winner
            if key in self.delisting:  # listed again: its closing is stored first
                self.flush(all_pending=False)
            _, values, template = new_winner[1]
            self.observe(key, values, template, at)
            cited.add(new_winner[0])
            self.models.add(key[0])
        self.commits.append(version)
        self.cited.extend((version.commit, at, path) for path in sorted(cited))
        if gone:
            self._delist(gone, at)
        if len(self.commits) >= BATCH_COMMITS:
            self.flush(all_pending=False)

    def _count(self, parsed: _Parsed, at: str) -> None:
        summary = self.summary
        summary.row_errors += parsed.row_errors
        summary.duplicates += parsed.duplicates
        summary.zero_prices |= parsed.zero_prices
        for kind, names in (("model", parsed.unmapped_models), ("provider", parsed.unmapped_providers)):
            counts = summary.unmapped_models if kind == "model" else summary.unmapped_providers
            for name in names:
                counts[name] = counts.get(name, 0) + 1
                first, _ = self.batch_unmapped.get((kind, name), (at, at))
                self.batch_unmapped[(kind, name)] = (first, at)

    def _touch(self, key: tuple, template: tuple, at: str) -> None:
        """The offer was listed at ``at`` with ``template``'s values (what the full loop does per version)."""
        suspect = self.suspects.get(key)
        if suspect is not None:
            suspect.last_at = max(suspect.last_at, at)
        elif self.last_values.get(key) is template[1]:
            self.pending[key] = (template[2], at)

    def _delist(self, gone: set[tuple], at: str) -> None:
        """Offers whose last file went: closed with the batch (a transaction per delisting costs seconds)."""
        self._end(gone)
        self.delists.append((gone, at))
        self.delisting |= gone

    def flush(self, delist: tuple[set[tuple], str] | None = None, *, all_pending: bool = True) -> None:
        if all_pending and self.at:
            # The end of the history: every offer still listed was last seen at its last commit.
            for key, (_, template) in self.winner.items():
                self._touch(key, template, self.at)
        if delist is not None:
            self.delists.append(delist)
        if self.dry:  # replaying what an earlier run stored: nothing is written
            if all_pending:
                self.pending.clear()
            self.batch, self.batch_held, self.batch_unmapped = [], [], {}
        else:
            with self.db.atomic():
                super().flush(all_pending=all_pending)
                for gone, at in self.delists:  # after the observations before them
                    self._close(gone, at)
        self.commits, self.cited, self.delists, self.delisting = [], [], [], set()

    def fetch_rows(self) -> list[tuple[str, str, str, str]]:
        folder = self.summary.path
        rows = [(v.commit, v.committed_at, folder, self.target.url) for v in self.commits]
        rows.extend((commit, at, path, self.target.url) for commit, at, path in self.cited)
        return rows


# ----------------------------------------------------------------------------- the run


def backfill_tree(
    db: Database,
    catalog: Catalog,
    repo: Path,
    target: BackfillTarget,
    summary: BackfillSummary,
    *,
    on_start: Callable[[int], None] | None = None,
    on_version: Callable[[], None] | None = None,
    checkpoint: Callable[[str, str], None] | None = None,
) -> None:
    """Replay the first-parent history of the folder ``summary.path`` into the store (``checkpoint``: see ``backfill``)."""
    tree = target.tree
    assert tree is not None
    folder = summary.path = summary.path.strip("/")
    versions = gitlog.tree_history(repo, folder, tree.revision)
    if not versions:
        raise BackfillError(f"no commit of {folder}/ in {repo} ({tree.revision})")
    summary.versions = len(versions)
    done = ingested_commits(db, summary.repository, summary.path)
    # The commits an earlier run stored, as far as they run unbroken from the first.
    stored = 0
    while stored < len(versions) and versions[stored].commit in done:
        stored += 1
    summary.skipped = stored
    if on_start is not None:
        on_start(len(versions) - stored)
    if stored == len(versions):
        return
    links = {c.blob for v in versions for c in v.changes if c.symlink and c.blob is not None}
    link_targets = {
        sha: body.decode("utf-8", "surrogateescape").strip()
        for sha, body in gitlog.iter_blobs(repo, sorted(links))
    }
    steps = plan_tree(versions, link_targets, tree.is_price_file)
    # Blobs in first-use order, with how many distinct files read each.
    uses: dict[str, int] = {}
    for _, blob in dict.fromkeys((p, b) for step in steps for p, b in step.files if b is not None):
        uses[blob] = uses.get(blob, 0) + 1

    def read(state: _Backfill) -> None:
        assert isinstance(state, _TreeBackfill)
        reader = _Reader(state, tree, gitlog.iter_blobs(repo, list(uses)), uses)
        real = state.summary
        if stored:
            # Rebuild the folder and the pending checks from the stored commits, writing nothing.
            state.dry = True
            state.summary = BackfillSummary(kind=real.kind, repository=real.repository, path=real.path)
            for step in steps[:stored]:
                state.add_step(step.version, reader.files(step))
            state.flush(all_pending=False)
            state.dry = False
            state.summary = real
            real.blobs_parsed = 0
        for step in steps[stored:]:
            state.add_step(step.version, reader.files(step))
            if on_version is not None:
                on_version()
        real.blobs_parsed = reader.blobs_parsed

    recorded_run(
        db, catalog, target, summary, versions[-1].committed_at, read, _TreeBackfill, checkpoint=checkpoint
    )


class _Reader:
    """Blobs in first-use order from one ``cat-file`` stream; each decoded once, each (path, blob) parsed once."""

    def __init__(
        self, state: _TreeBackfill, tree: TreeFiles, blobs: Iterator[tuple[str, bytes]], uses: dict[str, int]
    ) -> None:
        self.state = state
        self.tree = tree
        self.blobs = blobs
        self.uses = dict(uses)  # blob -> distinct files still to read it
        self.documents: dict[str, Any] = {}  # decoded blobs still to be used by another path
        self.failed: dict[str, str] = {}  # blob -> why it could not be decoded
        self.parsed: dict[tuple[str, str], _Parsed | bool] = {}
        self.blobs_parsed = 0

    def files(self, step: TreeStep) -> list[tuple[str, _Parsed | None]]:
        """The step's files parsed; a file that cannot be read keeps its previous version."""
        out: list[tuple[str, _Parsed | None]] = []
        for path, blob in step.files:
            if blob is None:
                out.append((path, None))
                continue
            parsed = self._parse(path, blob, step.version)
            if isinstance(parsed, _Parsed):
                out.append((path, parsed))
        return out

    def _parse(self, path: str, blob: str, version: gitlog.TreeVersion) -> _Parsed | bool:
        """The file's listing, or False when it cannot be read (counted once per file version)."""
        key = (path, blob)
        if key in self.parsed:
            return self.parsed[key]
        document = self._document(blob)
        error = self.failed.get(blob)
        if error is None:
            try:
                result = self.tree.parse(path, document)
            except PricewatchError as problem:
                error = _reason(problem)
            except Exception as problem:  # a parser bug fails this file, not the run
                error = f"parser crashed: {type(problem).__name__}: {problem}"
        if error is not None:
            summary = self.state.summary
            summary.row_errors += 1
            summary.file_errors.append(f"{version.commit[:10]} {version.committed_at} {path}: {error}")
            self.parsed[key] = False
            return False
        parsed = self.state._combine([self.state._resolve(result, whole_entry=True)])
        self.parsed[key] = parsed
        return parsed

    def _document(self, blob: str) -> Any:
        if blob in self.documents:
            document = self.documents[blob]
        elif blob in self.failed:
            document = None
        else:
            sha, body = next(self.blobs)
            if sha != blob:  # blobs stream in first-use order, as requested
                raise gitlog.GitError(f"git cat-file returned {sha} where {blob} was expected")
            self.blobs_parsed += 1
            try:
                document = self.tree.load(body)
            except PricewatchError as problem:
                self.failed[blob] = _reason(problem)
                document = None
        self.uses[blob] -= 1
        if self.uses[blob] > 0 and blob not in self.failed:
            self.documents[blob] = document
        else:
            self.documents.pop(blob, None)
        return document


def _reason(problem: PricewatchError) -> str:
    """Why a file could not be read, without the page-layout hint of a source's error."""
    return problem.message if isinstance(problem, SourceError) else str(problem)
