"""Crafted input gets a clear refusal, never a server error (issue 20, finding 9).

JSON nested 500 deep (RecursionError), a lone surrogate in a JSON text (UnicodeEncodeError),
``?page=99999999999999999999`` on the list pages (an OFFSET past 64 bits), and a multipart
part without a name on the tuition transitions endpoint (TypeError) each answered 500.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.api_support import Api
from tests.integration.tuition_support import data, user, walk
from tests.security import figures

HUGE = "99999999999999999999"


def test_json_nested_deeply_is_refused(demo_app, demo_db):
    api = Api(demo_app)
    for depth in (50, 500, 5000):
        deep = "[" * depth + "]" * depth
        answer = api.call("POST", "/tuition-requests", "employee", raw='{"title": ' + deep + "}")
        assert answer.status_code == 400, (depth, answer.status_code)
        assert "nests deeper" in answer.get_json()["error"]
        figures.add("crafted requests refused", 1)


@pytest.mark.parametrize("field", ["title", "institution", "justification"])
@pytest.mark.parametrize("text", ["\\ud800", "ok \\udfff", "\\udc00\\ud800"])
def test_a_lone_surrogate_in_a_text_field_is_refused_naming_it(demo_app, demo_db, field, text):
    body = json.dumps(data(qualification=None)).replace(f'"{field}": "', f'"{field}": "{text}', 1)
    answer = Api(demo_app).call("POST", "/tuition-requests", "employee", raw=body)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:200]
    assert field in answer.get_json()["errors"]
    figures.add("crafted requests refused", 1)


def test_a_multipart_part_without_a_name_is_refused(demo_app, demo_db):
    request_id = walk(user("employee"), "draft").id
    body = (
        b"--XX\r\nContent-Disposition: form-data\r\n\r\nsubmit\r\n"
        b'--XX\r\nContent-Disposition: form-data; filename="a.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XX--\r\n"
    )
    answer = Api(demo_app).call(
        "POST",
        f"/tuition-requests/{request_id}/transitions",
        "employee",
        raw=body,
        headers={"Content-Type": "multipart/form-data; boundary=XX"},
    )
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert "no name" in answer.get_json()["error"]


def _list_routes(app, api: bool) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments - set(rule.defaults or {})
        and rule.rule.startswith("/api/") == api
        and not rule.rule.startswith("/static")
        and not rule.rule.endswith((".pdf", ".csv"))
    )


def test_a_huge_page_number_on_every_list_page_is_no_server_error(demo_app, demo_db, login_as):
    client = login_as("hr")
    for page in _list_routes(demo_app, api=False):
        answer = client.get(f"{page}?page={HUGE}")
        assert answer.status_code < 500, f"{page}?page={HUGE} answered {answer.status_code}"
        figures.add("list pages given a huge page number", 1)
    api = Api(demo_app)
    for path in _list_routes(demo_app, api=True):
        answer = api.get(f"{path}?page={HUGE}")
        assert answer.status_code < 500, f"{path}?page={HUGE} answered {answer.status_code}"
        figures.add("list pages given a huge page number", 1)


@pytest.mark.parametrize(
    ("path", "param"),
    [("/tuition-requests", "employee_id"), ("/employees", "manager_id")],
)
def test_an_id_filter_beyond_32_bits_is_refused_not_a_server_error(demo_app, demo_db, path, param):
    """An id filter no row can match (beyond a 32-bit integer) is a 422 naming the limit, on
    SQLite and PostgreSQL alike (PostgreSQL refused to compare it: a 500 before)."""
    api = Api(demo_app)
    answer = api.get(f"{path}?{param}={2**31}")
    assert answer.status_code == 422, answer.get_json()
    assert f"{param} must be from 1 to {2**31 - 1}" in answer.get_json()["errors"][param][0]
    assert api.get(f"{path}?{param}={2**31 - 1}").get_json()["total"] == 0
    figures.add("crafted requests refused", 1)


@pytest.mark.parametrize(
    "path",
    [
        "/employees/{huge}",
        "/employees/{huge}/plan",
        "/tuition/{huge}",
        "/sessions/{huge}",
        "/records/employees/{huge}/completions/report",
        "/api/v1/employees/{huge}",
    ],
)
def test_an_id_beyond_32_bits_in_a_url_is_not_found(demo_app, demo_db, login_as, path):
    """No row has such an id: 404, on SQLite and PostgreSQL alike (PostgreSQL refused to compare
    it with an integer column: a 500 before)."""
    url = path.format(huge=2**31)
    if url.startswith("/api/"):
        answer = Api(demo_app).get(url.removeprefix("/api/v1"))
    else:
        answer = login_as("hr").get(url)
    assert answer.status_code == 404, (url, answer.status_code)
    figures.add("crafted requests refused", 1)
