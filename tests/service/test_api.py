"""The HTTP contract: answers a triage app can act on, and clear 4xx errors for bad input."""

import json
import logging
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.fast_path import FastPredictions
from service.settings import Settings
from tests.conftest import ROOT, TINY_ROWS
from training.train import train

RED_FLAG = "My back has been agony for three days and this morning I wet myself without noticing."
SCIATICA = "Burning pain from my buttock down the back of my left leg to the foot, tingling toes."
SECRET = "unique-health-detail-7731"


def test_healthz_is_alive(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_the_loaded_model(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["model_version"]


def test_prediction_has_the_public_fields(client: TestClient) -> None:
    body = client.post("/v1/predict", json={"text": SCIATICA}).json()
    assert set(body) >= {
        "condition",
        "probabilities",
        "abstained",
        "red_flags",
        "triage",
        "advice",
        "explanation",
        "model_version",
        "notices",
    }
    assert body["condition"] == "sciatica"
    assert sum(body["probabilities"].values()) == pytest.approx(1.0)
    assert "not a diagnosis" in body["advice"]


def test_a_red_flag_makes_triage_emergency_with_evidence(client: TestClient) -> None:
    body = client.post("/v1/predict", json={"text": RED_FLAG}).json()
    assert body["triage"] == "emergency"
    flag = body["red_flags"][0]
    assert flag["category"] == "cauda_equina"
    assert RED_FLAG[flag["start"] : flag["end"]] == flag["evidence"]


def test_a_red_flag_wins_even_when_the_model_abstains(client: TestClient) -> None:
    body = client.post("/v1/predict", json={"text": "wet myself"}).json()
    assert body["triage"] == "emergency"


def test_out_of_scope_text_abstains_without_a_condition(client: TestClient) -> None:
    body = client.post("/v1/predict", json={"text": "Can I book a flu jab for Tuesday?"}).json()
    assert body["abstained"] is True and body["condition"] is None
    assert body["triage"] != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "back pain for 3 weeks",
        "my back has been hurting for a few days",
        "LBP 3/52",
        "back pain for 3 weeks, I am 45",
    ],
)
def test_ordinary_back_pain_alone_gets_no_condition_and_a_request_for_more(
    client: TestClient, text: str
) -> None:
    body = client.post("/v1/predict", json={"text": text}).json()
    assert body["condition"] is None and body["abstained"] is True
    assert len(set(body["probabilities"].values())) == 1  # even: the words say nothing
    assert body["red_flags"] == [] and body["triage"] == "see_doctor"
    assert "too little" in body["advice"]


def test_a_clue_to_a_condition_is_not_ordinary_back_pain(client: TestClient) -> None:
    body = client.post("/v1/predict", json={"text": "back hurts after lifting at work"}).json()
    assert body["condition"] is not None


@pytest.mark.parametrize(
    "text",
    [
        "Me duele la espalda desde que levanté unas cajas en el trabajo, pero puedo caminar.",
        # Romanised Hindi, which the language identifier does not know.
        "Kamar mein dard bahut hai, kal se uthne mein takleef ho rahi hai. Kya karu?",
    ],
)
def test_a_text_mostly_in_another_language_gets_a_notice_and_is_never_self_care(
    client: TestClient, text: str
) -> None:
    body = client.post("/v1/predict", json={"text": text}).json()
    assert [notice["code"] for notice in body["notices"]] == ["not_english"]
    assert body["triage"] == "see_doctor" and "not in English" in body["advice"]


def test_english_with_a_few_words_of_another_language_gets_no_notice(client: TestClient) -> None:
    text = (
        "My lower back hurts since I lifted boxes at work yesterday, ay que dolor, but I can walk."
    )
    assert client.post("/v1/predict", json={"text": text}).json()["notices"] == []


def test_clinical_shorthand_is_read_as_english(client: TestClient) -> None:
    text = "LBP 2/52, nil B/B sx, apyrexial, mech, rv 2/52"
    assert client.post("/v1/predict", json={"text": text}).json()["notices"] == []


def test_a_red_flag_in_a_text_mostly_in_another_language_still_makes_it_an_emergency(
    client: TestClient,
) -> None:
    text = "Tengo mucho dolor de espalda desde hace tres días y hoy wet myself sin darme cuenta."
    body = client.post("/v1/predict", json={"text": text}).json()
    assert body["triage"] == "emergency" and body["notices"][0]["code"] == "not_english"


def test_the_fast_path_answers_as_the_fastapi_routes_do(
    client: TestClient, shipped_model: Path
) -> None:
    app = create_app(Settings(model_dir=shipped_model))
    app.user_middleware = [m for m in app.user_middleware if m.cls is not FastPredictions]
    requests = [
        ("/v1/predict", {"text": RED_FLAG}),
        ("/v1/predict/batch", {"texts": [SCIATICA, "hello", RED_FLAG]}),
    ]
    with TestClient(app) as routes_only:
        for path, body in requests:
            assert client.post(path, json=body).json() == routes_only.post(path, json=body).json()


def test_batch_answers_in_order_and_matches_single_answers(client: TestClient) -> None:
    texts = [SCIATICA, RED_FLAG, "hello"]
    results = client.post("/v1/predict/batch", json={"texts": texts}).json()["results"]
    assert results == [client.post("/v1/predict", json={"text": t}).json() for t in texts]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "   \n\t "}, 422),
        ({"text": 42}, 422),
        ({"text": "x" * 5001}, 422),
        ({"text": "back pain", "extra": True}, 422),
        ({}, 422),
        ({"texts": ["a"]}, 422),
    ],
)
def test_bad_input_gets_a_problem_body(client: TestClient, body: dict, status: int) -> None:
    response = client.post("/v1/predict", json=body)
    assert response.status_code == status
    problem = response.json()
    assert problem["status"] == status and problem["detail"]


def test_invalid_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/v1/predict", content=b'{"text": "back', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid JSON"


def test_a_body_over_one_mebibyte_is_a_413(client: TestClient) -> None:
    response = client.post("/v1/predict", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413


def test_a_batch_over_256_texts_is_refused(client: TestClient) -> None:
    response = client.post("/v1/predict/batch", json={"texts": ["back pain"] * 257})
    assert response.status_code == 422


def test_errors_never_echo_the_submitted_text(client: TestClient) -> None:
    for body in ({"text": SECRET * 400}, {"text": SECRET, "extra": SECRET}, {"texts": SECRET}):
        assert SECRET not in client.post("/v1/predict", json=body).text


def test_logs_never_contain_the_submitted_text(
    client: TestClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("service")
    logger.addHandler(caplog.handler)
    try:
        client.post("/v1/predict", json={"text": f"{RED_FLAG} {SECRET}"})
        client.post("/v1/predict", json={"text": SECRET * 400})
        client.post("/v1/predict", json={"text": SECRET, "extra": SECRET})
    finally:
        logger.removeHandler(caplog.handler)
    records = [json.dumps(r.__dict__, default=str) for r in caplog.records]
    assert not any(SECRET in record for record in records)
    assert SECRET not in capsys.readouterr().err


def test_each_request_logs_one_json_line_with_its_outcome(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client.post("/v1/predict", json={"text": RED_FLAG}, headers={"x-request-id": "abc-123"})
    client.post("/v1/predict", json={"text": ""})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    ok, refused = (line for line in lines if line.get("event") == "request")
    assert ok["request_id"] == "abc-123" and ok["status"] == 200
    assert ok["red_flag_categories"] == ["cauda_equina"] and ok["model_version"]
    assert refused["status"] == 422 and "labels" not in refused


def test_metrics_count_predictions_and_red_flags(client: TestClient) -> None:
    client.post("/v1/predict", json={"text": RED_FLAG})
    metrics = client.get("/metrics").text
    assert 'triage_red_flags_total{category="cauda_equina"}' in metrics
    assert "triage_request_seconds_bucket" in metrics


def _counts(metrics: str, name: str, label: str) -> Counter:
    found = re.findall(rf'^{name}{{{label}="(\w+)"}} (\S+)$', metrics, re.MULTILINE)
    return Counter({value: float(count) for value, count in found})


def test_metrics_count_every_answer_and_flag_of_a_batch(client: TestClient) -> None:
    texts = [RED_FLAG, SCIATICA, SCIATICA, "hello", RED_FLAG + " I have had a fever too."]
    texts.append("Me duele mucho la espalda desde que levanté unas cajas en el trabajo.")
    names = [
        ("triage_predictions_total", "condition"),
        ("triage_levels_total", "level"),
        ("triage_red_flags_total", "category"),
        ("triage_notices_total", "code"),
    ]
    before = client.get("/metrics").text
    results = client.post("/v1/predict/batch", json={"texts": texts}).json()["results"]
    after = client.get("/metrics").text
    added = [_counts(after, *name) - _counts(before, *name) for name in names]
    assert added == [
        Counter(r["condition"] or "abstained" for r in results),
        Counter(r["triage"] for r in results),
        Counter(flag["category"] for r in results for flag in r["red_flags"]),
        Counter(notice["code"] for r in results for notice in r["notices"]),
    ]
    assert added[2]["cauda_equina"] == 2 and added[3]["not_english"] == 1


def test_model_endpoint_describes_the_model(client: TestClient) -> None:
    body = client.get("/v1/model").json()
    assert "sciatica" in body["labels"] and body["metadata"]["cv_scores"]


def test_the_app_refuses_to_start_without_a_model(tmp_path: Path) -> None:
    app = create_app(Settings(model_dir=tmp_path / "missing"))
    with pytest.raises(BaseException), TestClient(app):  # noqa: B017
        pass


def _check_with(settings: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m service --check` with these TRIAGE_ settings."""
    return subprocess.run(
        [sys.executable, "-m", "service", "--check"],
        env={**os.environ, **settings},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_server_command_explains_a_missing_model_in_one_line(tmp_path: Path) -> None:
    done = _check_with({"TRIAGE_MODEL_DIR": str(tmp_path / "missing")})
    assert done.returncode == 3
    assert "cannot start" in done.stderr and "make train" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_command_names_a_setting_it_cannot_read(shipped_model: Path) -> None:
    done = _check_with({"TRIAGE_MODEL_DIR": str(shipped_model), "TRIAGE_MAX_BATCH": "lots"})
    assert done.returncode == 3
    assert "cannot start: TRIAGE_MAX_BATCH" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_users_own_taxonomy_is_served(tiny_csv: Path, tmp_path: Path) -> None:
    folder = train(tiny_csv, tmp_path / "models", folds=3, grid={"C": [10.0]})
    with TestClient(create_app(Settings(model_dir=folder))) as client:
        body = client.post("/v1/predict", json={"text": "my parcel never arrived"}).json()
    assert set(body["probabilities"]) == set(TINY_ROWS)


def test_reload_swaps_the_model_and_a_failed_reload_keeps_the_old_one(
    tiny_csv: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    first = train(tiny_csv, models, folds=3, grid={"C": [10.0]})
    settings = Settings(model_dir=models / "latest", admin_token="s3cret")
    auth = {"authorization": "Bearer s3cret"}
    with TestClient(create_app(settings)) as client:
        assert client.post("/admin/reload").status_code == 401
        second = train(tiny_csv, models, folds=3, grid={"C": [3.0]}, seed=1)
        reloaded = client.post("/admin/reload", headers=auth).json()
        assert reloaded["model_version"] == second.name != first.name
        (second / "weights.npz").write_bytes(b"corrupt")
        failed = client.post("/admin/reload", headers=auth)
        assert failed.status_code == 409
        answer = client.post("/v1/predict", json={"text": "parcel late"}).json()
        assert answer["model_version"] == second.name


def test_the_admin_endpoint_does_not_exist_without_a_token(client: TestClient) -> None:
    assert client.post("/admin/reload").status_code in (404, 405)


def test_cors_is_off_unless_origins_are_configured(client: TestClient, shipped_model: Path) -> None:
    preflight = {"origin": "https://app.example", "access-control-request-method": "POST"}
    assert (
        "access-control-allow-origin"
        not in client.options("/v1/predict", headers=preflight).headers
    )
    settings = Settings(model_dir=shipped_model, cors_origins=["https://app.example"])
    with TestClient(create_app(settings)) as allowed:
        response = allowed.options("/v1/predict", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://app.example"


def test_the_page_is_served_at_the_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "Describe the symptoms" in response.text
