"""One writer at a time: a file lock beside the database (filelock).

The lock is derived from the database's real path (symlinks resolved), so two names of
one file share one lock. When a writer lets go, the write-ahead log is checkpointed
(``store.files.checkpoint``): every write command leaves a file that is a complete copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pricewatch.errors import LockBusyError, RefreshCancelledError

__all__ = ["lock_path_for", "writer_lock"]


def lock_path_for(db_path: Path) -> Path:
    """The lock file of a database: ``<db>.lock`` beside the file a symlinked path points at."""
    from pricewatch.scraper.store.files import lock_target

    real = lock_target(db_path)
    return real.with_name(real.name + ".lock")


@contextmanager
def writer_lock(
    db_path: Path,
    *,
    wait: bool = True,
    on_wait: Callable[[Path], None] | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[None]:
    """Hold the writer lock of ``db_path``; wait for it (telling ``on_wait``) or raise LockBusyError.

    With ``cancel``, the wait polls it and raises RefreshCancelledError once it is set, so
    a scheduler told to stop is not stuck behind another writer.
    """
    path = lock_path_for(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise LockBusyError(str(path)) from None
        if on_wait is not None:
            on_wait(path)
        if cancel is None:
            lock.acquire()
        else:
            _acquire_unless_cancelled(lock, cancel)
    try:
        yield
    finally:
        try:
            from pricewatch.scraper.store.files import checkpoint

            checkpoint(db_path)  # the one place every writer passes: the file alone is whole
        finally:
            lock.release()


def _acquire_unless_cancelled(lock: FileLock, cancel: threading.Event) -> None:
    while True:
        if cancel.is_set():
            raise RefreshCancelledError("stopped while waiting for the writer lock")
        try:
            lock.acquire(timeout=0.2)
            return
        except Timeout:
            continue
