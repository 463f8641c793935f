"""`pricewatch` whose refresh stops at each checkpoint until the test says go (tests/test_crash_safety.py).

    python tests/checkpointed_cli.py REPORT_FD GO_FD refresh --db ... --source openrouter

At each checkpoint of the refresh (``refresh_sources(checkpoint=...)``: "fetched", "stored",
"closed") it writes "SOURCE STEP\\n" to the descriptor REPORT_FD and waits for one byte on
GO_FD. The test answers every step but the one it wants, and SIGKILLs the process there: the
kill lands at a step the test chose, whatever the machine's load. End of file on GO_FD (the
test is gone) lets the refresh run on.
"""

from __future__ import annotations

import functools
import os
import sys


def main() -> None:
    report_fd, go_fd = int(sys.argv[1]), int(sys.argv[2])

    def checkpoint(source: str, step: str) -> None:
        os.write(report_fd, f"{source} {step}\n".encode())
        os.read(go_fd, 1)

    from pricewatch.scraper import refresh

    # `pricewatch refresh` looks refresh_sources up in its module when it runs.
    vars(refresh)["refresh_sources"] = functools.partial(refresh.refresh_sources, checkpoint=checkpoint)

    from pricewatch.cli import cli

    cli.main(sys.argv[3:], prog_name="pricewatch")


if __name__ == "__main__":
    main()
