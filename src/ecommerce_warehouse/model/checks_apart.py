"""The child process of ``checks.ChecksAlongside``: a big transform's Bronze-only checks,
run on a connection of its own while the transform runs.

``python -m ecommerce_warehouse.model.checks_apart`` reads ``(db, jobs)`` pickled on its
stdin (the warehouse's --db value and the ``CheckJob``s), runs the jobs
(``checks.run_apart``) and writes ``{check file: CheckResult}`` pickled on its stdout, then
exits. The transform that started it reads the answer; if anything goes wrong here it
sees no answer and runs the checks itself.
"""

from __future__ import annotations

import pickle
import sys

from ecommerce_warehouse.model.checks import run_apart


def main() -> None:
    db, jobs = pickle.load(sys.stdin.buffer)  # noqa: S301 - from the transform that started us, over a private pipe
    pickle.dump(run_apart(db, jobs), sys.stdout.buffer)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
