"""Shared fixtures: models are trained into temporary folders, never taken from models/."""

import csv
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.predictor import Predictor
from service.red_flags import RedFlagEngine
from service.settings import Settings
from training.train import train

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
# The hyperparameters the full search picks on the shipped corpus; fixing them keeps tests fast.
SHIPPED_PARAMS = {"C": [30.0], "char_ngrams": [(2, 5)]}

TINY_ROWS = {
    "billing": [
        "I was charged twice for my subscription this month",
        "the invoice shows the wrong amount",
        "why did my card get billed again",
        "refund the duplicate payment please",
        "my bank statement has an extra charge from you",
        "the price on the bill is higher than advertised",
    ],
    "shipping": [
        "my parcel has not arrived after two weeks",
        "the courier left the box at the wrong house",
        "tracking number says delivered but nothing came",
        "how long does delivery to Scotland take",
        "the package was stuck at the depot",
        "can you send it by express post",
    ],
    "returns": [
        "I want to send back the shoes, they are too small",
        "how do I return a damaged kettle",
        "the jacket does not fit, can I exchange it",
        "where do I get a returns label",
        "I sent the item back but no refund yet",
        "can I return something bought in the sale",
    ],
}


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def shipped_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model, trained on the shipped corpus with its out-of-scope examples and
    the red-flag development and read sets for the sign detector."""
    models = tmp_path_factory.mktemp("models")
    return train(
        DATASETS / "train.csv",
        models,
        out_of_scope_path=DATASETS / "out_of_scope_train.csv",
        signs_paths=[DATASETS / "red_flags_dev.csv", DATASETS / "red_flags_read.csv"],
        folds=3,
        grid=SHIPPED_PARAMS,
    )


@pytest.fixture(scope="session")
def predictor(shipped_model: Path) -> Predictor:
    return Predictor.load(shipped_model)


@pytest.fixture(scope="session")
def engine() -> RedFlagEngine:
    return RedFlagEngine.from_file()


@pytest.fixture(scope="session")
def client(shipped_model: Path):
    with TestClient(create_app(Settings(model_dir=shipped_model))) as test_client:
        yield test_client


@pytest.fixture()
def tiny_csv(tmp_path: Path) -> Path:
    """A user's own taxonomy: three made-up labels about a web shop."""
    rows = [[text, label] for label, texts in TINY_ROWS.items() for text in texts]
    return write_csv(tmp_path / "tiny.csv", ["text", "label"], rows)


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port in a thread; yield its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
