"""Reloading the model under load: no request fails, and a failed reload keeps the old model."""

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from service.app import create_app
from service.settings import Settings
from tests.conftest import live_server
from training.train import train


def post(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_no_request_fails_while_the_model_reloads_under_load(
    tiny_csv: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    first = train(tiny_csv, models, folds=3, grid={"C": [10.0]})
    settings = Settings(model_dir=models / "latest", admin_token="t0ken")
    statuses: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()
    with live_server(create_app(settings)) as base:

        def hammer() -> None:
            while not stop.is_set():
                status, body = post(base + "/v1/predict", {"text": "my parcel never came"})
                statuses.append(status)
                versions.add(body.get("model_version", "?"))

        clients = [threading.Thread(target=hammer) for _ in range(4)]
        try:
            for client in clients:
                client.start()
            second = train(tiny_csv, models, folds=3, grid={"C": [3.0]}, seed=1)
            reloads = [post(base + "/admin/reload", token="t0ken") for _ in range(3)]
            time.sleep(0.5)
            (second / "weights.npz").write_bytes(b"corrupt")
            failed = post(base + "/admin/reload", token="t0ken")
            time.sleep(0.5)
            after = post(base + "/v1/predict", {"text": "refund please"})
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=30)
    assert all(status == 200 for status, _ in reloads)
    assert reloads[0][1]["model_version"] == second.name
    assert len(statuses) > 50 and set(statuses) == {200}
    assert versions <= {first.name, second.name}
    assert failed[0] == 409 and "Kept the current model" in failed[1]["detail"]
    assert after[1]["model_version"] == second.name
