"""The national benchmark runs end to end at the smallest size, so that its scripts do not rot.

bench/measure.py builds "Deutschland" with bench/national.py (here: Saarland, 3 indicators × 2
years), measures every operation beside its baseline with a gunicorn process, and
bench/run_all.py turns the figures into RESULTS.md's table. Times are not judged here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run_all  # noqa: E402


def test_the_national_benchmark_produces_every_row_of_the_results_table(tmp_path):
    out = tmp_path / "run.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KECK_VAR_DIR")}
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "measure.py"),
            "--scale=0.01",
            "--indicators=3",
            "--years=2",
            f"--json={out}",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    result = json.loads(out.read_text())
    assert result["areas"]["Gemeinden"] == 52  # Saarland
    assert result["values"] > 0 and result["map_304_status"] == 304
    markdown = run_all.markdown([result])
    for _key, label, *_rest in run_all.ROWS:
        assert f"| {label} |" in markdown
    assert "under the limit of 5 MB" in markdown
