"""The benchmark of issue 8: Door Access in a real Home Assistant, on a virtual clock.

`./scripts/run python -m benchmarks` measures request rates, self-caused 429s, freshness,
actions, open times and update costs against the cloud simulator and writes
docs/benchmarks.md. Figures, not pass/fail tests: a missed target is reported, not raised.
"""
