"""The benchmark of issues 8 and 17: Door Access in a real Home Assistant, on a virtual clock.

`./scripts/run python -m benchmarks` measures request rates, self-caused 429s, freshness,
actions, open times, update costs and the event loop against the cloud simulator, beside fair
baselines, judges every figure against the targets of `targets.py` (fixed before the run) and
writes docs/benchmarks.md. It exits 1 when a figure is missed; `--gate` is CI's quick version.
"""
