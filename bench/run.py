"""Measure scplint's start-up time and throughput; results go to bench/RESULTS.md by hand.

    python bench/run.py [--runs N] [--corpus PATH]

Reports the median wall time of `python -c pass`, of `scplint --version`, of
`scplint ONE_FILE` on a small policy, and the files per second of `scplint CORPUS` when a
corpus folder is given (default: the `shared/corpus` folder beside the checkout, if it
exists). Each command runs as a fresh process, the way pre-commit starts it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# AWS's Region-deny example: 42 NotAction entries, so it reads the action lists of about
# 35 services, the heaviest single file in examples/.
ONE_FILE = REPO / "examples" / "policies" / "guardrails" / "deny-outside-eu.json"
# A four-entry NotAction allowlist: a typical small policy.
SMALL_FILE = REPO / "examples" / "policies" / "legacy" / "approved-services-only.json"


# Byte-code caching off would make every run compile scplint's modules again.
ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _median_seconds(command: list[str], runs: int, cwd: Path) -> float:
    subprocess.run(command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default: 21)")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()

    scplint = shutil.which("scplint") or str(Path(sys.executable).with_name("scplint"))
    python = sys.executable
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        bare = _median_seconds([python, "-c", "pass"], args.runs, cwd)
        rows.append(("python -c pass", bare))
        rows.append(("scplint --version", _median_seconds([scplint, "--version"], args.runs, cwd)))
        small = _median_seconds([scplint, "--isolated", str(SMALL_FILE)], args.runs, cwd)
        rows.append((f"scplint {SMALL_FILE.name}", small))
        one = _median_seconds([scplint, "--isolated", str(ONE_FILE)], args.runs, cwd)
        rows.append((f"scplint {ONE_FILE.name}", one))

        corpus = None
        if args.corpus.is_dir():
            from scplint.discovery import discover

            files, _ = discover([args.corpus], root=args.corpus)
            runs = max(3, args.runs // 4)
            seconds = _median_seconds([scplint, "--isolated", str(args.corpus)], runs, cwd)
            corpus = (len(files), seconds)

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}")
    print(f"runs per command: {args.runs}")
    for name, seconds in rows:
        print(f"{name:<40} median {seconds * 1000:8.1f} ms")
    print(f"one-file run / bare interpreter: {small / bare:.1f}x small, {one / bare:.1f}x large (target: under 4x)")
    if corpus:
        count, seconds = corpus
        print(f"corpus: {count} files in {seconds:.2f} s median = {count / seconds:.0f} files/s (target: under 2 s)")
    print(json.dumps({"bare_ms": bare * 1000, "small_file_ms": small * 1000, "one_file_ms": one * 1000, "ratio": one / bare,
                      "corpus_files": corpus[0] if corpus else None,
                      "corpus_seconds": corpus[1] if corpus else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
