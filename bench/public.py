"""The public-catalogue benchmarks; kept as an entry point: ``python bench/public.py [SCENARIO …] [--requests N]``
is ``python bench/run.py public …`` (see bench/run.py and bench/scenarios/public.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import main  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args if any(not a.startswith("-") for a in args) else ["public", *args]))
