"""make bench: speed, memory and scaling, printed as a table and saved to reports/bench.json.

Every figure is the median of several runs, with its min and max. HTTP load comes from wrk
(Debian's package; `make bench` installs it when missing) on loopback, for a fixed short time
after a warm-up. Nothing here is a pass/fail test: it prints figures for people to judge.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bench.synthetic import write_synthetic_csv
from service.predictor import Predictor
from service.red_flags import RedFlagEngine
from service.workers import private_mb

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TEXT = (
    "Sharp pain from my lower back down the back of my left leg to the calf, worse when I sit. "
    "No fever."
)
LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("requests %d\\n", summary.requests))
  io.write(string.format("duration_us %d\\n", summary.duration))
  local e = summary.errors
  io.write(string.format("errors %d\\n", e.connect + e.read + e.write + e.status + e.timeout))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_us %d\\n", p, latency:percentile(p)))
  end
  io.write(string.format("max_us %d\\n", latency.max))
end
"""


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def repeat(measure: Callable[[], float], runs: int) -> dict[str, float]:
    return spread([measure() for _ in range(runs)])


def per_text_us(function: Callable[[str], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        function(text)
    return (time.perf_counter() - started) / len(texts) * 1e6


def per_batch_us(function: Callable[[list[str]], Any], texts: list[str]) -> float:
    started = time.perf_counter()
    function(texts)
    return (time.perf_counter() - started) / len(texts) * 1e6


def text_of_length(corpus: list[str], chars: int, seed: int = 1) -> str:
    """Realistic text of about `chars` characters, joined from corpus rows."""
    rng = random.Random(seed)
    out = ""
    while len(out) < chars:
        out += rng.choice(corpus) + " "
    return out[:chars].rsplit(" ", 1)[0] if chars > 60 else out[:chars]


def machine() -> dict[str, Any]:
    import fastapi
    import numpy
    import sklearn
    import uvicorn

    cpu = "unknown"
    info = Path("/proc/cpuinfo")
    if info.exists():
        found = re.search(r"model name\s*:\s*(.+)", info.read_text())
        cpu = found.group(1).strip() if found else cpu
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "scikit_learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "fastapi": fastapi.__version__,
        "uvicorn": uvicorn.__version__,
    }


def in_process(model: Path, runs: int) -> dict[str, Any]:
    corpus = pd.read_csv(ROOT / "datasets/test.csv", keep_default_na=False)["text"].tolist()
    loads = []
    for _ in range(runs):
        started = time.perf_counter()
        Predictor.load(model)
        loads.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    predictor = Predictor.load(model)
    memory_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    engine = RedFlagEngine.from_file()
    for text in corpus:  # warm caches the way a running service has them
        predictor.predict_one(text)
        engine.find(text)
    batch_100 = (corpus * 3)[:100]
    batch_1000 = (corpus * 3)[:1000]
    figures: dict[str, Any] = {
        "artifact_mb_on_disk": (model / "weights.npz").stat().st_size / 2**20,
        "model_mb_in_memory": memory_mb,
        "load_ms": spread(loads),
        "predict_one_us": repeat(lambda: per_text_us(predictor.predict_one, [TEXT] * 500), runs),
        "predict_one_test_split_us": repeat(
            lambda: per_text_us(predictor.predict_one, corpus), runs
        ),
        "batch_100_us_per_text": repeat(
            lambda: per_batch_us(predictor.predict_many, batch_100), runs
        ),
        "batch_1000_us_per_text": repeat(
            lambda: per_batch_us(predictor.predict_many, batch_1000), runs
        ),
        "scaling": {},
    }
    # Without signs: no rule matches at all, not even one its context step then suppresses.
    # Forty different texts of each kind: one text over and over would measure warm caches.
    benign = [t for t in corpus if engine.explain(t) == ([], [])]
    dense = [t for t in corpus if engine.find(t)]
    benign_1000 = [text_of_length(benign, 1000, seed) for seed in range(40)]
    dense_1000 = [text_of_length(dense, 1000, seed) for seed in range(40)]
    figures["red_flags_1000_chars_us"] = {
        "without_signs": repeat(lambda: per_text_us(engine.find, benign_1000 * 5), runs),
        "with_signs": repeat(lambda: per_text_us(engine.find, dense_1000 * 5), runs),
    }
    for chars in (50, 500, 5000):
        texts = [text_of_length(corpus, chars, seed) for seed in range(20)]
        figures["scaling"][chars] = {
            "model_us": repeat(lambda t=texts: per_text_us(predictor.predict_one, t * 10), runs),
            "red_flags_us": repeat(lambda t=texts: per_text_us(engine.find, t * 10), runs),
        }
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _process_tree(pid: int) -> list[tuple[int, str, int]]:
    """A process and its descendants, each with its role in the service (the supervisor, its
    workers, their batch helpers, multiprocessing's resource tracker, or "process" for any
    other command, such as training) and its parent's pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(stat[1]), []).append(int(entry.name))
            except (OSError, IndexError):
                continue
    found: list[tuple[int, str, int]] = []
    stack = [(pid, "", 0)]
    while stack:
        current, parent_role, parent = stack.pop()
        try:
            command = Path(f"/proc/{current}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" in command:
            role = "tracker"
        elif parent_role == "worker":  # forked: it has its worker's command line
            role = "helper"
        elif b"spawn_main" in command:
            role = "worker"
        elif b"-m\0service" in command:
            role = "supervisor"
        else:
            role = "process"
        found.append((current, role, parent))
        stack.extend((child, role, current) for child in children.get(current, []))
    return found


def tree_rss_mb(pid: int, field: str = "VmRSS") -> tuple[float, list[tuple[str, float]]]:
    """Resident memory of a process and its descendants in MiB, in total and per process
    (role, MiB). With field="Pss", each page shared by n processes counts 1/n in each: a
    helper forked from a worker shares most of its pages, which RSS counts in both."""
    sizes = []
    for current, role, _ in _process_tree(pid):
        try:
            where = "status" if field == "VmRSS" else "smaps_rollup"
            status = Path(f"/proc/{current}/{where}").read_text()
            sizes.append((role, int(re.search(rf"{field}:\s+(\d+)", status).group(1)) / 1024))
        except (OSError, AttributeError):
            pass
    return sum(size for _, size in sizes), sizes


def _worker_rss(tree: list[tuple[int, str, int]]) -> dict[int, float]:
    return {
        current: size
        for current, role, _ in tree
        if role == "worker"
        for size in [_rss_mb(current)]
        if size is not None
    }


def workers_of(pid: int) -> dict[int, float]:
    """The server's worker processes and the resident memory of each, in MiB."""
    return _worker_rss(_process_tree(pid))


def slots_of(pid: int) -> dict[int, float]:
    """Each worker's memory with its batch helper's, in MiB: the worker's resident memory and
    the pages only the helper holds, which together TRIAGE_WORKER_MEMORY_MB bounds."""
    tree = _process_tree(pid)
    sizes = _worker_rss(tree)
    for current, role, worker in tree:
        private = private_mb(current) if role == "helper" else None
        if worker in sizes and private is not None:
            sizes[worker] += private
    return sizes


def _rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    except (OSError, AttributeError):
        return None


class Server:
    """A server process on a free loopback port, stopped with SIGTERM."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = b'{"text": "back pain"}' if path.startswith("/v1") else None
                request = urllib.request.Request(
                    self.url + path, data=data, headers={"content-type": "application/json"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server on {self.url} did not become ready")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def wrk(
    url: str, bodies: list[str], connections: int, seconds: float, workdir: Path
) -> dict[str, float]:
    """Load figures from wrk; each request sends the next of `bodies`, round and round."""
    script = workdir / f"post-{abs(hash(tuple(bodies)))}.lua"
    listed = ",\n".join(json.dumps(body) for body in bodies)
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"bodies = {{\n{listed}\n}}\nnext_body = 0\n"
        "request = function()\n  next_body = next_body % #bodies + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[next_body])\nend\n"
        f"{LUA_REPORT}"
    )
    threads = max(1, min(2, connections))
    duration = f"-d{max(1, round(seconds))}s"  # wrk takes whole seconds
    command = ["wrk", f"-t{threads}", f"-c{connections}", duration, "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    values = dict(re.findall(r"^(\w+) (\d+)$", done.stdout, re.M))
    duration = int(values["duration_us"]) / 1e6
    return {
        "rps": int(values["requests"]) / duration,
        "p50_ms": int(values["p50_us"]) / 1000,
        "p95_ms": int(values["p95_us"]) / 1000,
        "p99_ms": int(values["p99_us"]) / 1000,
        "max_ms": int(values["max_us"]) / 1000,
        "errors": int(values["errors"]),
    }


def load_figures(
    url: str, bodies: list[str], connections: int, seconds: float, runs: int, workdir: Path
) -> dict[str, Any]:
    wrk(url, bodies, connections, 1.0, workdir)  # warm-up
    samples = [wrk(url, bodies, connections, seconds, workdir) for _ in range(runs)]
    return {key: spread([s[key] for s in samples]) for key in samples[0]}


def request_bodies() -> tuple[list[str], list[str]]:
    """Request bodies of the test split's texts: one text each, and batches of 256.

    Every request carries a different text, as in real traffic: caches warmed by one
    repeated text made figures look better than a service would see.
    """
    corpus = pd.read_csv(ROOT / "datasets/test.csv", keep_default_na=False)["text"].tolist()
    singles = [json.dumps({"text": text}) for text in corpus]
    batches = [json.dumps({"texts": corpus[i : i + 256]}) for i in (0, len(corpus) - 256)]
    return singles, batches


# Texts the service has not read in the measurements before: the red-flag writers' development set.
DISTINCT_TEXTS = 20_000


def server_memory(pid: int) -> dict[str, Any]:
    total, sizes = tree_rss_mb(pid)
    proportional, shares = tree_rss_mb(pid, "Pss")
    return {"total": total, "processes": sizes, "total_pss": proportional, "processes_pss": shares}


def send_distinct_texts(url: str, count: int, pid: int, workers: int) -> dict[str, Any]:
    """Send `count` texts the server has not read, in batches; the largest worker seen while
    reading them, and how many workers were replaced for memory (TRIAGE_WORKER_MEMORY_MB)."""
    texts = pd.read_csv(ROOT / "datasets/red_flags_dev.csv", keep_default_na=False)["text"]
    texts = texts.tolist()[:count]
    seen = workers_of(pid)
    first, largest = set(seen), max(seen.values(), default=0.0)
    largest_slot = max(slots_of(pid).values(), default=0.0)
    for i in range(0, len(texts), 256):
        body = json.dumps({"texts": texts[i : i + 256]}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        sizes = workers_of(pid)
        seen.update(sizes)
        largest = max(largest, *sizes.values())
        largest_slot = max(largest_slot, *slots_of(pid).values())
    # A replaced worker finishes its requests and leaves once its successor is ready.
    deadline = time.monotonic() + 90
    while len(workers_of(pid)) != workers and time.monotonic() < deadline:
        time.sleep(0.5)
    return {
        "largest_worker_mb": largest,
        "largest_worker_with_helper_mb": largest_slot,
        "replaced": len(set(seen) - first),
    }


def http(model: Path, workers: int, runs: int, seconds: float, workdir: Path) -> dict[str, Any]:
    env = {"TRIAGE_MODEL_DIR": str(model)}
    server = Server([PYTHON, "-m", "service", "--workers", str(workers)], env)
    try:
        server.wait_ready("/readyz")
        singles, batches = request_bodies()
        figures = {
            f"predict_c{c}": load_figures(
                server.url + "/v1/predict", singles, c, seconds, runs, workdir
            )
            for c in (1, 16, 64)
        }
        # The short sample text, repeated: comparable with figures measured that way.
        figures["predict_c16_sample_text"] = load_figures(
            server.url + "/v1/predict", [json.dumps({"text": TEXT})], 16, seconds, runs, workdir
        )
        batch_url = server.url + "/v1/predict/batch"
        batch_one = load_figures(batch_url, batches, 1, seconds, runs, workdir)
        batch_many = load_figures(batch_url, batches, 2 * workers, seconds, runs, workdir)
        figures["batch_256_latency_ms_c1"] = batch_one["p50_ms"]
        figures["batch_texts_per_s"] = {k: v * 256 for k, v in batch_many["rps"].items()}
        figures["memory_mb"] = server_memory(server.process.pid)
        # The pattern engines' caches grow with the variety of texts read: memory again after
        # as many distinct texts as a busy day brings (the test split is only 462).
        figures["distinct_texts"] = send_distinct_texts(
            batch_url, DISTINCT_TEXTS, server.process.pid, workers
        )
        figures["memory_mb_after_distinct"] = server_memory(server.process.pid)
        return figures
    finally:
        server.stop()


def naive(model: Path, runs: int, seconds: float, workdir: Path) -> dict[str, Any]:
    command = [PYTHON, "-m", "uvicorn", "bench.naive_service:app", "--no-access-log"]
    server = Server(command, {"TRIAGE_MODEL_DIR": str(model)})
    try:
        server.wait_ready("/v1/predict")
        singles = request_bodies()[0]
        return {
            f"predict_c{c}": load_figures(
                server.url + "/v1/predict", singles, c, seconds, runs, workdir
            )
            for c in (1, 16)
        }
    finally:
        server.stop()


def timed_process(command: list[str]) -> dict[str, float]:
    """Wall time and peak resident memory of a command and all its child processes."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid)[0])
        time.sleep(0.25)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}")
    return {"seconds": time.perf_counter() - started, "peak_mb": peak}


def training(workdir: Path, runs: int, big_rows: int, big_runs: int) -> dict[str, Any]:
    models = workdir / "models"
    train = [PYTHON, "-m", "training.train", "--models-dir", str(models)]
    shipped = [
        timed_process([*train, "--out-of-scope", "datasets/out_of_scope_train.csv"])
        for _ in range(runs)
    ]
    evaluate = [
        PYTHON,
        "-m",
        "training.evaluate",
        "--model",
        str(models / "latest"),
        "--reports-dir",
        str(workdir / "r"),
    ]
    evaluations = [timed_process(evaluate) for _ in range(runs)]
    big_csv = write_synthetic_csv(ROOT / "datasets/train.csv", workdir / "big.csv", big_rows)
    big = [timed_process([*train, "--data", str(big_csv)]) for _ in range(big_runs)]
    return {
        "shipped_corpus": {k: spread([r[k] for r in shipped]) for k in shipped[0]},
        "evaluation": {k: spread([r[k] for r in evaluations]) for k in evaluations[0]},
        f"synthetic_{big_rows}_rows": {k: spread([r[k] for r in big]) for k in big[0]},
    }


def fmt(value: Any) -> str:
    if isinstance(value, dict) and "median" in value:
        return f"{value['median']:.3g} ({value['min']:.3g}–{value['max']:.3g})"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def memory_text(memory: dict[str, Any], kind: str = "") -> str:
    sizes = ", ".join(f"{role} {size:.0f}" for role, size in memory[f"processes{kind}"])
    return f"{memory[f'total{kind}']:.0f} ({sizes})"


def print_table(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(
        f"\nmachine: {m['cores']} cores, {m['cpu']}, Python {m['python']}, scikit-learn "
        f"{m['scikit_learn']}, numpy {m['numpy']}, FastAPI {m['fastapi']}, uvicorn "
        f"{m['uvicorn']}"
    )
    print("figures: median (min–max)\n")
    rows: list[tuple[str, Any]] = []
    p = results["in_process"]
    rows += [
        ("in process: predict_one, µs/text (sample text)", p["predict_one_us"]),
        ("in process: predict_one, µs/text (test split)", p["predict_one_test_split_us"]),
        ("in process: batch of 100, µs/text", p["batch_100_us_per_text"]),
        ("in process: batch of 1000, µs/text", p["batch_1000_us_per_text"]),
        ("artifact load, ms", p["load_ms"]),
        (
            "model size on disk / in memory, MiB",
            f"{p['artifact_mb_on_disk']:.1f} / {p['model_mb_in_memory']:.1f}",
        ),
        ("red flags, 1000 chars without signs, µs", p["red_flags_1000_chars_us"]["without_signs"]),
        ("red flags, 1000 chars with signs, µs", p["red_flags_1000_chars_us"]["with_signs"]),
    ]
    for chars, s in p["scaling"].items():
        rows.append(
            (
                f"scaling {chars} chars: model / red flags, µs",
                f"{fmt(s['model_us'])} / {fmt(s['red_flags_us'])}",
            )
        )
    for name in ("http_1_worker", "http_2_workers", "naive_reference"):
        h = results.get(name)
        if not h:
            continue
        for key, value in h.items():
            if key.startswith("predict_c"):
                rows.append((f"{name} {key}: req/s", value["rps"]))
                rows.append(
                    (
                        f"{name} {key}: p50 / p95 / p99 / max ms",
                        " / ".join(fmt(value[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
                    )
                )
        if "batch_texts_per_s" in h:
            rows += [
                (f"{name} batch: texts/s", h["batch_texts_per_s"]),
                (f"{name} batch of 256, one client: ms", h["batch_256_latency_ms_c1"]),
                (
                    f"{name} server memory, MiB: RSS (per process)",
                    memory_text(h["memory_mb"]),
                ),
                (
                    f"{name} server memory, MiB: PSS, shared pages split (per process)",
                    memory_text(h["memory_mb"], "_pss"),
                ),
            ]
        if "memory_mb_after_distinct" in h:
            after = h["memory_mb_after_distinct"]
            rows += [
                (f"{name} after {DISTINCT_TEXTS:,} more distinct texts: RSS", memory_text(after)),
                (
                    f"{name} after {DISTINCT_TEXTS:,} more distinct texts: PSS",
                    memory_text(after, "_pss"),
                ),
                (
                    f"{name} while reading them: largest worker MiB RSS / with its helper's "
                    "own pages / workers replaced",
                    f"{h['distinct_texts']['largest_worker_mb']:.0f} / "
                    f"{h['distinct_texts']['largest_worker_with_helper_mb']:.0f} / "
                    f"{h['distinct_texts']['replaced']}",
                ),
            ]
    for key, value in results.get("ratios", {}).items():
        rows.append((f"ratio: {key}", value))
    for key, value in results.get("training", {}).items():
        rows.append((f"training {key}: seconds", value["seconds"]))
        rows.append((f"training {key}: peak MiB", value["peak_mb"]))
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {fmt(value)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models/latest")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each load run")
    parser.add_argument("--big-rows", type=int, default=100_000)
    parser.add_argument("--big-runs", type=int, default=2, help="runs of the large training")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "reports/bench.json")
    args = parser.parse_args(argv)
    model = args.model.resolve()
    results: dict[str, Any] = {
        "machine": machine(),
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print("[bench] in process ...", file=sys.stderr)
    results["in_process"] = in_process(model, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if shutil.which("wrk"):
            for workers, name in ((1, "http_1_worker"), (2, "http_2_workers")):
                print(f"[bench] HTTP, {workers} worker(s) ...", file=sys.stderr)
                results[name] = http(model, workers, args.runs, args.seconds, workdir)
            print("[bench] naive reference ...", file=sys.stderr)
            results["naive_reference"] = naive(model, args.runs, args.seconds, workdir)
            one = results["http_1_worker"]
            single_rate = 1e6 / results["in_process"]["predict_one_us"]["median"]
            batch_rate = 1e6 / results["in_process"]["batch_1000_us_per_text"]["median"]
            results["ratios"] = {
                "HTTP single-text req/s (1 worker, 16 clients) / in-process texts/s": one[
                    "predict_c16"
                ]["rps"]["median"]
                / single_rate,
                "HTTP batch texts/s (1 worker) / in-process batch texts/s": one[
                    "batch_texts_per_s"
                ]["median"]
                / batch_rate,
                "service / naive reference req/s (1 worker, 16 clients)": one["predict_c16"]["rps"][
                    "median"
                ]
                / results["naive_reference"]["predict_c16"]["rps"]["median"],
            }
        else:
            print(
                "[bench] wrk not found: skipping HTTP figures (apt-get install wrk)",
                file=sys.stderr,
            )
        if not args.skip_training:
            print("[bench] training and evaluation (several minutes) ...", file=sys.stderr)
            results["training"] = training(workdir, args.runs, args.big_rows, args.big_runs)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nsaved {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
