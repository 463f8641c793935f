"""One writer at a time: a file lock beside the database (filelock)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pricewatch.errors import LockBusyError

__all__ = ["lock_path_for", "writer_lock"]


def lock_path_for(db_path: Path) -> Path:
    """The lock file of a database: ``<db>.lock`` beside it."""
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def writer_lock(
    db_path: Path, *, wait: bool = True, on_wait: Callable[[Path], None] | None = None
) -> Iterator[None]:
    """Hold the writer lock of ``db_path``; wait for it (telling ``on_wait``) or raise LockBusyError."""
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
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
