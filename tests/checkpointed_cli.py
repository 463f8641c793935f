"""`pricewatch` that stops at each checkpoint of refresh, backfill or vacuum until the test says go.

    python tests/checkpointed_cli.py REPORT_FD GO_FD refresh --db ... --source openrouter
    python tests/checkpointed_cli.py REPORT_FD GO_FD backfill openrouter-git REPO --db ...
    python tests/checkpointed_cli.py REPORT_FD GO_FD vacuum --db ...

At each checkpoint (``refresh_sources(checkpoint=...)``: "fetched", "stored", "closed";
``run_backfill(checkpoint=...)``: "batch-stored", "batch-committed", "finished", "closed";
``vacuum_raw_responses(checkpoint=...)``: "archived", "deleted", "committed",
"compacting", "compacted") it writes "WHERE STEP\\n" to the descriptor REPORT_FD and waits
for one byte on GO_FD. The test answers every step but the one it wants, and SIGKILLs the
process there: the kill lands at a step the test chose, whatever the machine's load. End
of file on GO_FD (the test is gone) lets the command run on.

``CHECKPOINTED_BATCH_COMMITS=N`` in the environment makes a backfill commit every N
versions (so a test's small repository has several batches to be killed between).
"""

from __future__ import annotations

import functools
import os
import sys


def main() -> None:
    report_fd, go_fd = int(sys.argv[1]), int(sys.argv[2])

    def checkpoint(where: str, step: str) -> None:
        os.write(report_fd, f"{where} {step}\n".encode())
        os.read(go_fd, 1)

    from pricewatch.scraper import backfill, housekeeping, refresh

    # The commands look these up in their modules when they run.
    vars(refresh)["refresh_sources"] = functools.partial(refresh.refresh_sources, checkpoint=checkpoint)
    vars(backfill)["run_backfill"] = functools.partial(backfill.run_backfill, checkpoint=checkpoint)
    vars(housekeeping)["vacuum_raw_responses"] = functools.partial(
        housekeeping.vacuum_raw_responses, checkpoint=checkpoint
    )
    if "CHECKPOINTED_BATCH_COMMITS" in os.environ:
        vars(backfill)["BATCH_COMMITS"] = int(os.environ["CHECKPOINTED_BATCH_COMMITS"])

    from pricewatch.cli import cli

    cli.main(sys.argv[3:], prog_name="pricewatch")


if __name__ == "__main__":
    main()
