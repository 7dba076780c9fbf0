"""Run the benchmark: `./scripts/run python -m benchmarks --help`."""

from benchmarks.cli import main

raise SystemExit(main())
