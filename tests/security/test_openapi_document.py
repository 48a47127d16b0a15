"""The OpenAPI document says what the server does (issue 20, the fuzzer's findings).

Each case here was found by the Schemathesis run (tests/security/test_schemathesis.py) and
is reproduced with a plain request: the document's limits are the server's, its links lead to
the record made, its request bodies are closed, and the server cases it found are fixed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api_support import Api, employee_named


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


@pytest.fixture
def document(api) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operation(document: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if operation["operationId"] == operation_id:
                return method, path, operation
    raise LookupError(operation_id)


def test_query_text_ending_in_a_control_character_is_refused_like_any_other(api):
    # Found: "abc\x0c" was stripped to "abc" and answered 200, though the document (and the
    # same character inside the text) says 422.
    for text in ("abc\x0c", "abc\x1f", "\x0babc", "a\x0cbc"):
        response = api.get("/employees", query_string={"q": text})
        assert response.status_code == 422, repr(text)
        assert "q" in response.get_json()["errors"]
    assert api.get("/employees", query_string={"q": " Maria "}).status_code == 200


def test_a_json_number_with_a_zero_fraction_is_the_integer_it_equals(api, maria):
    # Found: {"employee_id": 278648.0} was "employee_id must be an integer" (422), though
    # JSON Schema counts 3.0 as the integer 3 and the document says integer.
    made = api.post(
        "/courses/PCI-AWARE/sessions",
        {"starts_on": "2026-12-20", "ends_on": "2026-12-20", "seats": 5},
    )
    assert made.status_code == 201, made.get_json()
    session = made.get_json()["id"]
    booked = api.call(
        "POST", f"/sessions/{session}/enrolments", raw=f'{{"employee_id": {maria.id}.0}}'
    )
    assert booked.status_code == 201, booked.get_json()
    assert booked.get_json()["employee_id"] == maria.id
    half = api.call(
        "POST", f"/sessions/{session}/enrolments", raw=f'{{"employee_id": {maria.id}.5}}'
    )
    assert half.status_code == 422


def test_the_links_of_a_created_record_lead_to_it(api, document):
    _method, _path, create = _operation(document, "create_competency")
    links = create["responses"]["201"]["links"]
    assert {"show_competency", "update_competency"} <= set(links)
    made = api.post("/competencies", {"code": "LINKED-1", "name": "Followed by a link"})
    assert made.status_code == 201
    body = made.get_json()
    for operation_id, link in links.items():
        method, path, _ = _operation(document, operation_id)
        for name, expression in link["parameters"].items():
            assert expression.startswith("$response.body#/")
            value = body[expression.removeprefix("$response.body#/")]
            path = path.replace("{" + name + "}", str(value))
        if method == "get":
            answer = api.get(path)
            assert answer.status_code == 200, path
            assert answer.get_json()["code"] == "LINKED-1"


def test_the_employee_links_reach_every_operation_on_one_person(document):
    _method, _path, create = _operation(document, "create_employee")
    links = create["responses"]["201"]["links"]
    for path, methods in document["paths"].items():
        if path == "/employees/{employee_id}" or path.startswith("/employees/{employee_id}/"):
            for operation in methods.values():
                assert operation["operationId"] in links, path


def _open_objects(schema: Any, where: str) -> list[str]:
    """Objects (at any depth) with declared fields that would take undeclared ones."""
    found: list[str] = []
    if isinstance(schema, dict):
        if "properties" in schema and schema.get("additionalProperties") is not False:
            found.append(where)
        for key, value in schema.items():
            found += _open_objects(value, f"{where}.{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            found += _open_objects(item, f"{where}[{index}]")
    return found


def test_every_request_body_is_closed_all_the_way_down(document):
    # Found: the multipart form of the tuition transitions took any field by the document,
    # but the server refuses an unknown one (422).
    components = document["components"]["schemas"]
    open_ones: list[str] = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                schema = content["schema"]
                if "$ref" in schema:
                    schema = components[schema["$ref"].rsplit("/", 1)[-1]]
                open_ones += _open_objects(schema, f"{method} {path} {media}")
    assert open_ones == []


@pytest.mark.parametrize(
    ("path", "schema", "field"),
    [
        ("/check-types/CRIMINAL", "CheckTypePatch", "rescreen_months"),
        ("/check-types/CRIMINAL", "CheckTypePatch", "turnaround_days"),
        ("/courses/PCI-AWARE", "CoursePatch", "validity_months"),
        ("/courses/PCI-AWARE", "CoursePatch", "default_duration_days"),
    ],
)
def test_a_declared_range_is_the_one_the_server_applies(api, document, path, schema, field):
    declared = document["components"]["schemas"][schema]["properties"][field]
    low, high = declared["minimum"], declared["maximum"]
    for refused in (low - 1, high + 1):
        response = api.patch(path, {field: refused})
        assert response.status_code == 422, (field, refused)
        assert field in response.get_json()["errors"]
    for accepted in (high, low):
        response = api.patch(path, {field: accepted})
        assert response.status_code == 200, (field, accepted, response.get_json())
        assert response.get_json()[field] == accepted


def test_a_body_date_outside_the_declared_years_is_refused(api, document):
    pattern = document["components"]["schemas"]["CourseSessionInput"]["properties"]["starts_on"]
    assert pattern["format"] == "date" and "2100" in pattern["pattern"]
    response = api.post(
        "/courses/PCI-AWARE/sessions",
        {"starts_on": "2101-01-01", "ends_on": "2101-01-02", "seats": 5},
    )
    assert response.status_code == 422
    assert "starts_on" in response.get_json()["errors"]


def test_every_operation_documents_the_answers_it_gives(document):
    for path, methods in document["paths"].items():
        for operation in methods.values():
            answers = operation["responses"]
            if operation["operationId"] == "openapi":
                assert set(answers) == {"200"}
                continue
            assert {"401", "503"} <= set(answers), path
            assert "WWW-Authenticate" in answers["401"]["headers"]
            assert "Retry-After" in answers["503"]["headers"]
    allow = document["components"]["responses"]["MethodNotAllowed"]["headers"]["Allow"]
    assert allow["required"] is True


@pytest.fixture
def maria(demo_db):  # type: ignore[no-untyped-def]
    return employee_named("Maria Lopez")


def test_a_list_of_codes_holds_only_text(api):
    # Found: {"prerequisites": [0]} made a course requiring the code "0" (201), though the
    # document says a list of codes.
    assert api.post("/courses", {"code": "0", "title": "A course coded 0"}).status_code == 201
    body = {"code": "ITEMS-1", "title": "Typed items", "prerequisites": [0]}
    response = api.post("/courses", body)
    assert response.status_code == 422
    assert "prerequisites[0]" in response.get_json()["errors"]
    assert api.get("/courses/ITEMS-1").status_code == 404
    assert api.post("/courses", {**body, "prerequisites": ["0"]}).status_code == 201


def test_an_empty_optional_query_value_is_documented_as_absent(api, document):
    _method, _path, listing = _operation(document, "list_courses")
    page = next(p for p in listing["parameters"] if p["name"] == "page")
    assert {"type": "string", "maxLength": 0} in page["schema"]["anyOf"]
    assert api.get("/courses", query_string={"page": "", "per_page": ""}).status_code == 200
