"""The fake provider server itself: routes, queues, faults, the request log, stop, script mode."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fake_provider import _BASE_PATHS, FakeProvider, Reply, Request, base_path

from discovery_tui.providers import PROVIDERS


def test_a_queue_is_consumed_in_order_and_its_last_reply_repeats(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.route("/v1/models", Reply(status=429), Reply(json={"ok": 1}))
    with httpx.Client(base_url=fake_provider.url) as client:
        statuses = [client.get("/v1/models").status_code for _ in range(3)]
        assert client.get("/v1/models").json() == {"ok": 1}
    assert statuses == [429, 200, 200]


def test_unknown_paths_answer_404_json(fake_provider: FakeProvider) -> None:
    response = httpx.get(f"{fake_provider.url}/nowhere")
    assert response.status_code == 404
    assert response.json() == {"error": "no route for /nowhere"}


def test_requests_are_recorded_with_query_and_headers(fake_provider: FakeProvider) -> None:
    fake_provider.json("/v1beta/models", {"models": []})
    httpx.get(
        f"{fake_provider.url}/v1beta/models?pageSize=1000&pageToken=abc",
        headers={"x-goog-api-key": "k"},
    )
    httpx.post(f"{fake_provider.url}/v1beta/models", content=b"{}")
    first, second = fake_provider.requests
    assert (first.method, first.path, first.param("pageToken")) == ("GET", "/v1beta/models", "abc")
    assert first.query["pageSize"] == ["1000"]
    assert first.headers["x-goog-api-key"] == "k"
    assert second.method == "POST"
    assert fake_provider.requests_to("v1beta/models/") == [first, second]


def test_reply_headers_raw_bodies_and_functions(fake_provider: FakeProvider) -> None:
    fake_provider.route(
        "/raw", Reply(status=503, body=b"busy", headers={"Retry-After": "7", "X-A": "b"})
    )
    fake_provider.route("/echo", lambda r: Reply(json={"q": r.param("q")}))
    raw = httpx.get(f"{fake_provider.url}/raw")
    assert (raw.status_code, raw.content, raw.headers["retry-after"]) == (503, b"busy", "7")
    assert raw.headers["x-a"] == "b"
    assert httpx.get(f"{fake_provider.url}/echo?q=42").json() == {"q": "42"}


@pytest.mark.parametrize(
    "reply",
    [Reply(reset=True), Reply(json={"data": [1, 2, 3]}, truncate=True)],
    ids=["reset", "truncate"],
)
def test_faults_break_the_response(fake_provider: FakeProvider, reply: Reply) -> None:
    fake_provider.route("/v1/models", reply)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{fake_provider.url}/v1/models")


def test_hang_times_out_the_client_and_stop_releases_it(fake_provider: FakeProvider) -> None:
    fake_provider.route("/v1/models", Reply(hang=True))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{fake_provider.url}/v1/models", timeout=0.2)
    outcome: list[BaseException | int] = []

    def waiting_client() -> None:
        try:
            outcome.append(httpx.get(f"{fake_provider.url}/v1/models", timeout=30).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiting_client)
    thread.start()
    for _ in range(3000):  # until the second request is in (it hangs), at most ~30 s
        if len(fake_provider.requests) >= 2:
            break
        threading.Event().wait(0.01)
    fake_provider.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)


def test_delay_then_answer(fake_provider: FakeProvider) -> None:
    fake_provider.route("/slow", Reply(json={"late": True}, delay=0.05))
    assert httpx.get(f"{fake_provider.url}/slow").json() == {"late": True}


def test_serve_catalog_uses_each_providers_real_path(fake_provider: FakeProvider) -> None:
    base = fake_provider.serve_catalog("openrouter", {"data": [{"id": "a/b"}]})
    assert base == f"{fake_provider.url}/openrouter/api/v1"
    assert httpx.get(f"{base}/models").json() == {"data": [{"id": "a/b"}]}
    groq = fake_provider.serve_catalog("groq", {"data": []}, prefix="")
    assert groq == f"{fake_provider.url}/openai/v1"
    assert fake_provider.catalog_path("deepseek") == "/deepseek/models"


def test_serve_catalog_reads_a_file(fake_provider: FakeProvider, tmp_path: Path) -> None:
    file = tmp_path / "catalog.json"
    file.write_text(json.dumps({"data": [{"id": "grok-4"}]}))
    base = fake_provider.serve_catalog("xai", file)
    assert httpx.get(f"{base}/models").json()["data"][0]["id"] == "grok-4"


def test_base_paths_match_the_registry() -> None:
    for name, spec in PROVIDERS.items():
        assert base_path(name) == urlsplit(spec.default_api_base).path.rstrip("/")
        assert _BASE_PATHS[name] == base_path(name), name


def test_stop_twice_and_url_after_stop() -> None:
    server = FakeProvider().start()
    assert server.url.startswith("http://127.0.0.1:")
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError):
        _ = server.url


def test_request_param_takes_the_last_value() -> None:
    request = Request(method="GET", path="/", query={"a": ["1", "2"]}, headers={})
    assert (request.param("a"), request.param("b")) == ("2", None)


def test_runs_as_a_script(tmp_path: Path) -> None:
    file = tmp_path / "or.json"
    file.write_text(json.dumps({"data": [{"id": "x/y"}]}))
    script = Path(__file__).with_name("fake_provider.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--catalog", f"openrouter={file}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        name, _, base = line.partition("=")
        assert name == "OPENROUTER_API_BASE"
        assert base.startswith("http://127.0.0.1:") and base.endswith("/openrouter/api/v1")
        assert httpx.get(f"{base}/models").json() == {"data": [{"id": "x/y"}]}
    finally:
        process.terminate()
        process.wait(timeout=30)
