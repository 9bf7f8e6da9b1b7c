"""python -m service: check the model and rules, then serve with uvicorn workers.

Checking first means a missing or tampered model ends with one clear line, not a traceback
from inside the server's start-up.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from service.workers import serve_workers


def check() -> int:
    """Load the configured model and rules once; one clear line if either is unusable."""
    # Imported here: the supervisor of several workers should not hold numpy and the model.
    from pydantic import ValidationError

    from service.predictor import Predictor
    from service.red_flags import RedFlagEngine, RulesError
    from service.settings import Settings
    from training.artifacts import ModelError

    try:
        settings = Settings()
    except ValidationError as err:
        problems = "; ".join(
            f"TRIAGE_{str(e['loc'][0]).upper()}: {e['msg']}" if e["loc"] else e["msg"]
            for e in err.errors()
        )
        print(f"error: cannot start: {problems}", file=sys.stderr)
        return 3
    try:
        version = Predictor.load(settings.model_dir).version
        RedFlagEngine.from_file(settings.rules_file)
    except (ModelError, RulesError) as err:
        print(f"error: cannot start: {err}", file=sys.stderr)
        return 3
    print(f"model {version} and red-flag rules verified", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")))
    parser.add_argument("--check", action="store_true", help="check the model and rules, then exit")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers (WORKERS) must be at least 1")
    if args.check:
        return check()
    # Check in a child process, so the supervisor of several workers does not keep a model copy.
    checked = subprocess.run([sys.executable, "-m", "service", "--check"], check=False)
    if checked.returncode != 0:
        return checked.returncode
    # Each worker counts in its own files here and /metrics sums them; otherwise a scrape would
    # see only the worker that happened to answer it, and a replaced worker's counts would go.
    with tempfile.TemporaryDirectory(prefix="triage-metrics-") as metrics_dir:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        return serve_workers(args.host, args.port, args.workers, Path(metrics_dir))


if __name__ == "__main__":
    sys.exit(main())
