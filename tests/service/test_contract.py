"""Schemathesis explores the OpenAPI schema: no input, valid or not, causes a server error."""

from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from service.app import create_app
from service.settings import Settings


def test_no_generated_request_causes_a_server_error(shipped_model: Path) -> None:
    app = create_app(Settings(model_dir=shipped_model, admin_token="contract-token"))
    with TestClient(app):  # start-up runs, so every generated call reaches a loaded model
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        cases = st.one_of(
            [
                operation.as_strategy(generation_mode=mode)
                for operation in operations
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            ]
        )
        failures: list[str] = []

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=cases)
        def call(case) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.path}: {response.status_code}")

        call()
    assert failures == []
