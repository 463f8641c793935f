"""Compute something in a forked child process while the build goes on, where that is safe.

A site build is CPU-bound Python: on a machine with two cores, the analysis behind the claims
page (the claims registry and the claim box's data) can run beside the ratios, the trends
and the rendering. The child is a ``fork`` of the build, so it sees the loaded data without
copying or pickling it; only its result (plain values) comes back, pickled through a pipe.

Forking is safe only in a process with one thread (a forked child of a threaded process,
such as the scheduler, can inherit a lock held by another thread) and where ``fork``
exists; anywhere else, and with one CPU, the computation runs in this process when its
result is asked for. The child touches no file and no database: it computes, writes its
result and leaves with ``os._exit`` (no cleanup of what it shares with the parent).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """True where a forked child is safe and can help: ``fork`` exists, one thread, 2+ CPUs."""
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


class Aside(Generic[T]):
    """``compute()`` running in a forked child (or deferred to ``result()`` where forking is not safe).

    Use as a context manager: leaving it reaps the child, and stops it when its result was
    never asked for (the build failed), so no process outlives the build.
    """

    def __init__(self, compute: Callable[[], T], *, fork: bool | None = None) -> None:
        self._compute = compute
        self._pid: int | None = None
        self._read: int | None = None
        self._done = False
        self._value: T | None = None
        if fork if fork is not None else can_fork():
            read, write = os.pipe()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # the child
                os.close(read)
                _end_with(parent)
                _child(compute, write)
            os.close(write)
            self._pid, self._read = pid, read

    def result(self) -> T:
        """The computed value; the child's exception is raised here, as if computed in this process."""
        if self._done:
            return self._value  # type: ignore[return-value]
        if self._pid is None:
            self._value = self._compute()
        else:
            assert self._read is not None
            chunks = []
            with os.fdopen(self._read, "rb") as pipe:
                self._read = None
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
            self._reap()
            if not chunks:
                raise RuntimeError("the build's helper process ended without a result")
            kind, payload = pickle.loads(b"".join(chunks))
            if kind == "error":
                raise payload
            self._value = payload
        self._done = True
        return self._value

    def close(self) -> None:
        """Reap the child; one whose result was never asked for (the build failed) is stopped first."""
        if self._pid is not None and not self._done:
            os.kill(self._pid, signal.SIGKILL)  # a pure computation: nothing of it is lost
        if self._read is not None:
            os.close(self._read)
            self._read = None
        self._reap()

    def _reap(self) -> None:
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Aside[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _end_with(parent: int) -> None:
    """Have the kernel kill this child when the build process dies (Linux), so none outlives a killed build."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the broken pipe ends it when it writes
        return
    if os.getppid() != parent:  # the build died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _child(compute: Callable[[], object], write: int) -> None:
    status = 0
    try:
        try:
            payload = pickle.dumps(("ok", compute()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # the parent raises it
            try:
                payload = pickle.dumps(("error", error), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # a broken pipe: the parent stopped listening
        status = 1
    finally:
        os._exit(status)
