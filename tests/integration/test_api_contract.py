"""The docs/API.md conventions, checked across the API: errors, validation, lists, OpenAPI.

docs/API.md "Conventions": 400 malformed JSON, 401 no or bad token, 403 not allowed, 404 not
found or not visible, 409 a state conflict or duplicate, 422 validation with per-field messages; a
rejected write changes nothing; lists take ?page=&per_page= (default 50, max 500) and answer
{items, total, page, per_page}; references by code; money as decimal strings; dates
YYYY-MM-DD; an OpenAPI 3 document of every endpoint.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from app.blueprints.api.schemas import COMPONENTS
from app.extensions import db
from app.models import (
    BackgroundCheck,
    Competency,
    Completion,
    CourseSession,
    Employee,
    Enrolment,
    JobRole,
    Requirement,
    TuitionRequest,
)
from app.services import records
from tests.integration.api_support import Api, audit_count, employee_named, user_for


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


@pytest.fixture
def maria(demo_db) -> Employee:  # type: ignore[no-untyped-def]
    return employee_named("Maria Lopez")


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# --------------------------------------------------------------------------- errors


def test_malformed_json_is_400_with_the_error_shape(api):
    for raw in ("{", "", "   ", '{"code": NaN}', b"\xff\xfe"):
        response = api.call("POST", "/competencies", "hr", raw=raw)
        assert response.status_code == 400, raw
        body = response.get_json()
        assert set(body) == {"error", "errors"} and body["error"]


def test_a_body_that_is_not_an_object_is_422(api):
    response = api.post("/competencies", ["LEAD"], who="hr")
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]


def test_unknown_fields_and_wrong_types_are_422_naming_each_field(api):
    before = _count(Competency)
    response = api.post("/competencies", {"code": "X-1", "name": 12, "colour": "red"}, who="hr")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"name", "colour"}
    assert "Unknown field 'colour'" in errors["colour"][0]
    assert "text" in errors["name"][0]
    assert _count(Competency) == before


def test_missing_required_fields_are_422_with_a_message_each(api, maria):
    """The `required` lists of the OpenAPI request schemas are what the services refuse."""
    cases = {
        "/competencies": "CompetencyInput",
        "/courses": "CourseInput",
        "/check-types": "CheckTypeInput",
        "/instruments": "InstrumentInput",
        "/qualifications": "QualificationInput",
        "/roles": "RoleInput",
        "/ladder": "LadderEdgeInput",
        "/employees": "EmployeeInput",
        f"/employees/{maria.id}/training-records": "TrainingRecordInput",
        f"/employees/{maria.id}/background-checks": "BackgroundCheckInput",
        f"/employees/{maria.id}/assessments": "AssessmentInput",
        f"/employees/{maria.id}/education": "EducationInput",
        f"/employees/{maria.id}/competency-ratings": "CompetencyRatingInput",
        "/courses/PCI-AWARE/sessions": "CourseSessionInput",
        "/users": "UserInput",
    }
    for path, schema in cases.items():
        response = api.post(path, {}, who="hr")
        assert response.status_code == 422, (path, response.get_json())
        errors = response.get_json()["errors"]
        for field in COMPONENTS[schema]["required"]:
            assert field in errors, (path, field, errors)
            assert errors[field][0], (path, field)
    mine = api.post("/tuition-requests", {}, who="employee")
    assert mine.status_code == 422
    for field in COMPONENTS["TuitionRequestInput"]["required"]:
        assert field in mine.get_json()["errors"], field
    moved = api.post("/tuition-requests/1/transitions", {}, who="hr")
    assert moved.status_code == 422 and "action" in moved.get_json()["errors"]


def test_a_bad_date_is_422_naming_the_field(api, maria):
    body = {"course": "CS-FOUND", "completed_on": "2026-02-30"}
    response = api.post(f"/employees/{maria.id}/training-records", body, who="hr")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["completed_on"]
    query = api.get(f"/employees/{maria.id}/readiness?role=L2-CSS&as_of=22/11/2026")
    assert query.status_code == 422
    assert list(query.get_json()["errors"]) == ["as_of"]


def test_unknown_catalogue_codes_are_422_naming_the_code(api, maria):
    completion = api.post(
        f"/employees/{maria.id}/training-records",
        {"course": "NO-SUCH-COURSE", "completed_on": "2026-11-01"},
        who="hr",
    )
    assert completion.status_code == 422
    assert "NO-SUCH-COURSE" in completion.get_json()["errors"]["course"][0]
    role = api.post(
        "/roles",
        {
            "code": "L4-DIR",
            "title": "Director",
            "level": 4,
            "requirements": [
                {"kind": "course", "target": "CS-FOUND"},
                {"kind": "competency", "target": "GHOST", "min_level": 2},
            ],
        },
        who="hr",
    )
    assert role.status_code == 422
    assert "GHOST" in role.get_json()["errors"]["requirements[1].target"][0]
    readiness = api.get(f"/employees/{maria.id}/readiness?role=L9-NONE")
    assert readiness.status_code == 422 and "L9-NONE" in readiness.get_json()["errors"]["role"][0]
    people = api.get("/employees?role=L9-NONE")
    assert people.status_code == 422 and "L9-NONE" in people.get_json()["errors"]["role"][0]
    bench = api.get("/readiness?role=L9-NONE")
    assert bench.status_code == 422 and "L9-NONE" in bench.get_json()["error"]


def test_duplicates_are_409(api):
    competency = api.post("/competencies", {"code": "PRODUCT", "name": "Again"}, who="hr")
    assert competency.status_code == 409
    assert "code" in competency.get_json()["errors"]
    ladder = api.post("/ladder", {"from_role": "L1-CSR", "to_role": "L2-CSS"}, who="hr")
    assert ladder.status_code == 409


def test_unknown_things_are_404_and_wrong_methods_405_all_in_json(api, maria):
    for path in (
        "/employees/999999",
        "/courses/NOPE",
        "/tuition-requests/999999",
        "/background-checks/999999",
        "/no-such-endpoint",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert set(response.get_json()) == {"error", "errors"}
    response = api.call("DELETE", f"/employees/{maria.id}", "hr")
    assert response.status_code == 405
    assert set(response.get_json()) == {"error", "errors"}


def test_someone_the_caller_may_not_see_is_404_like_someone_who_does_not_exist(api):
    other = employee_named("Priya Shah")
    unknown = api.get("/employees/999999", who="employee")
    hidden = api.get(f"/employees/{other.id}", who="employee")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json() == unknown.get_json()


# --------------------------------------------------------------------------- rejected writes


def test_a_rejected_write_changes_nothing(api, maria):
    """Row and audit counts are the same before and after each refused write (docs/API.md)."""
    tables = (Competency, JobRole, Requirement, Employee, Completion, TuitionRequest)

    def snapshot() -> tuple[int, ...]:
        return (*(_count(t) for t in tables), audit_count())

    api.token("hr")  # made before counting: creating a token is itself audited
    before = snapshot()
    refused = [
        # a role whose second requirement is bad: neither the role nor the first requirement
        api.post(
            "/roles",
            {
                "code": "L4-X",
                "title": "X",
                "level": 4,
                "requirements": [
                    {"kind": "tenure", "min_months": 6},
                    {"kind": "course", "target": "PCI-AWARE"},
                ],
            },
        ),
        # a person with a bad email and a manager who does not exist
        api.post(
            "/employees",
            {
                "employee_no": "N-1",
                "name": "New",
                "email": "not-an-email",
                "hire_date": "2026-01-05",
                "manager_id": 999999,
            },
        ),
        # a future completion date
        api.post(
            f"/employees/{maria.id}/training-records",
            {"course": "CS-FOUND", "completed_on": "2027-01-01"},
        ),
        # an illegal transition: Priya's request is already reimbursed
        api.post("/tuition-requests/1/transitions", {"action": "approve"}),
        # a second termination of someone who already left
        api.post(
            f"/employees/{employee_named('Priya Shah').id}/termination",
            {"termination_date": "2026-11-22", "reason": "voluntary"},
        ),
        # a cost with more than two decimals
        api.post("/courses", {"code": "NEW-1", "title": "New", "cost": 12.345}),
        # a requirement list replaced with one bad entry
        api.put("/roles/L2-CSS/requirements", {"requirements": [{"kind": "competency"}]}),
    ]
    assert [r.status_code for r in refused] == [422, 422, 422, 409, 409, 422, 422]
    assert snapshot() == before
    # The replaced list is still the old one.
    assert len(api.get("/roles/L2-CSS/requirements").get_json()["requirements"]) > 1


# --------------------------------------------------------------------------- values


def test_money_is_a_decimal_string_in_and_out(api):
    made = api.post("/courses", {"code": "MONEY-1", "title": "Money", "cost": "1500.5"})
    assert made.status_code == 201 and made.get_json()["cost"] == "1500.50"
    number = api.post("/courses", {"code": "MONEY-2", "title": "Money", "cost": 99.95})
    assert number.status_code == 201 and number.get_json()["cost"] == "99.95"
    too_fine = api.post("/courses", {"code": "MONEY-3", "title": "Money", "cost": "10.001"})
    assert too_fine.status_code == 422 and "cost" in too_fine.get_json()["errors"]
    request = api.post(
        "/tuition-requests",
        {
            "title": "Accounting",
            "institution": "College",
            "starts_on": "2027-02-01",
            "ends_on": "2027-05-01",
            "tuition": 1200.1,
            "fees": "0",
            "books": "0.005",
            "job_related": True,
            "justification": "Budgets.",
        },
        who="employee",
    )
    assert request.status_code == 422
    assert list(request.get_json()["errors"]) == ["books"]


def test_catalogue_codes_are_upper_cased_and_read_back_by_code(api):
    made = api.post("/competencies", {"code": "negotiation", "name": "Negotiation"})
    assert made.status_code == 201
    assert made.headers["Location"].endswith("/api/v1/competencies/NEGOTIATION")
    assert api.get("/competencies/negotiation").get_json()["code"] == "NEGOTIATION"


# --------------------------------------------------------------------------- lists


def test_lists_have_the_page_shape_default_50_and_refuse_more_than_500(api):
    default = api.get("/employees").get_json()
    assert set(default) == {"items", "total", "page", "per_page"}
    assert (default["page"], default["per_page"], len(default["items"])) == (1, 50, 50)
    second = api.get("/employees?page=2&per_page=25").get_json()
    assert (second["page"], second["per_page"]) == (2, 25)
    assert second["items"][0] == api.get("/employees?per_page=50").get_json()["items"][25]
    assert api.get("/employees?per_page=500").status_code == 200
    for query in ("per_page=501", "per_page=0", "page=0", "page=two"):
        response = api.get(f"/employees?{query}")
        assert response.status_code == 422, query
        assert list(response.get_json()["errors"]) == [query.split("=")[0]]
    beyond = api.get("/employees?page=99").get_json()
    assert beyond["items"] == [] and beyond["total"] == default["total"]


def test_lists_hold_only_what_the_caller_may_see(api, maria):
    mine = api.get("/employees", who="employee").get_json()
    assert [e["id"] for e in mine["items"]] == [maria.id]
    team = api.get("/employees?per_page=500", who="manager").get_json()
    sam = user_for("manager").employee
    managed = set(
        db.session.scalars(
            select(Employee.id).where(
                Employee.id.in_(__import__("app.policy").policy.subtree_query(sam.id))
            )
        )
    ) | {sam.id}
    assert {e["id"] for e in team["items"]} == managed
    assert api.get("/tuition-requests", who="employee").get_json()["total"] == 0
    # finance sees every request: Priya Shah's and the demo's five open ones
    assert api.get("/tuition-requests", who="finance").get_json()["total"] == 6
    bench = api.get("/readiness?role=L2-CSS&per_page=500", who="manager").get_json()
    assert {i["employee_id"] for i in bench["items"]} <= managed
    assert (
        api.get("/readiness?role=L2-CSS", who="employee").get_json()["items"][0]["employee_id"]
        == maria.id
    )


def _seed_more_rows(path: str, maria: Employee) -> None:
    """More rows where the demo has only one, so every list has several: a second 360 and
    two qualifications for Maria, and two people's requests pre-approved for 2027."""
    from tests.integration.tuition_support import sign_in_for, walk

    hr = user_for("hr")
    if path.endswith("/assessments"):
        records.record_assessment(
            maria,
            "LEAD-360",
            "2026-10-01",
            responses=[{"rater_group": "manager", "scores": {"Leadership": 4}}],
            actor=hr,
        )
    if path.endswith("/education"):
        for code, on in (("CERT-MGMT", "2026-05-01"), ("CERT-LOG", "2026-09-01")):
            records.record_education(maria, code, "Riverside Community College", on, actor=hr)
    if "tuition" in path:
        walk(user_for("employee"), "finance_approved")
        walk(sign_in_for("Grace Okafor"), "finance_approved")


LIST_ENDPOINTS = (
    "/competencies",
    "/courses",
    "/check-types",
    "/instruments",
    "/qualifications",
    "/roles",
    "/ladder",
    "/courses/PCI-AWARE/sessions?when=all",
    "/employees",
    "/employees/{maria}/training-records",
    "/employees/{maria}/competency-ratings",
    "/employees/{maria}/background-checks",
    "/employees/{maria}/assessments",
    "/employees/{maria}/education",
    "/tuition-requests",
    "/readiness?role=L2-CSS",
    "/tuition/summary?year=2027",
)


@pytest.mark.parametrize("template", LIST_ENDPOINTS)
def test_every_list_runs_the_same_queries_for_one_row_and_for_many(
    api, maria, count_queries, template
):
    """DESIGN.md "Bulk first": the query count of a list does not grow with its rows."""
    path = template.format(maria=maria.id)
    _seed_more_rows(path, maria)
    joiner = "&" if "?" in path else "?"
    api.get(path)  # warm up: the token's last-used time is written at most once a minute
    with count_queries() as one:
        small = api.get(f"{path}{joiner}per_page=1")
    with count_queries() as many:
        large = api.get(f"{path}{joiner}per_page=500")
    assert small.status_code == large.status_code == 200
    assert len(small.get_json()["items"]) == 1
    assert len(large.get_json()["items"]) >= 2, "the list needs several rows to prove anything"
    assert one() == many(), f"{path}: {one()} queries for 1 row, {many()} for more"


# --------------------------------------------------------------------------- OpenAPI


def _document(api) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = api.client.get("/api/v1/openapi.json")  # no token: the document is public
    assert response.status_code == 200
    return response.get_json()


def test_every_api_route_appears_in_the_openapi_document(api, demo_app):
    document = _document(api)
    assert document["openapi"].startswith("3.")
    missing = []
    for rule in demo_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:
                missing.append(f"{method} {path}")
                continue
            assert operation["operationId"] == rule.endpoint.split(".", 1)[1]
            assert operation["responses"], path
            if method in ("POST", "PUT", "PATCH"):
                assert "application/json" in operation["requestBody"]["content"], path
            if operation.get("security") != []:
                assert "401" in operation["responses"], path
            success = next(c for c in operation["responses"] if c.startswith("2"))
            if path != "/openapi.json":
                assert "content" in operation["responses"][success], path
    assert missing == []
    # And nothing in the document that is not a route.
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1"))
        for r in demo_app.url_map.iter_rules()
        if r.rule.startswith("/api/v1")
    }
    assert set(document["paths"]) == routes


def test_every_schema_reference_in_the_document_resolves(api):
    document = _document(api)
    schemas = document["components"]["schemas"]
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', __import__("json").dumps(document))
    assert refs and all(name in schemas for name in refs)


def _check_against_schema(value: Any, schema: dict[str, Any], where: str) -> None:
    """Every field an answer carries is declared, and every required field is there."""
    if "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, dict) and schema.get("type") == "object" and "properties" in schema:
        undeclared = set(value) - set(schema["properties"])
        assert not undeclared, f"{where}: undeclared {undeclared}"
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        for key, item in value.items():
            _check_against_schema(item, schema["properties"][key], f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check_against_schema(item, schema["items"], f"{where}[{index}]")


def test_the_answers_match_their_declared_schemas(api, maria, demo_app):
    from app.blueprints.api.spec import OPERATIONS

    grace = employee_named("Grace Okafor")
    paths = {
        "show_records": f"/employees/{grace.id}/records",
        "show_readiness": f"/employees/{maria.id}/readiness",
        "show_path": f"/employees/{maria.id}/path",
        "list_readiness": "/readiness?role=L3-CSM",
        "tuition_summary": "/tuition/summary?year=2025",
        "show_tuition_request": "/tuition-requests/1",
        "list_tuition_requests": "/tuition-requests",
        "list_assessments": f"/employees/{grace.id}/assessments",
        "list_background_checks": f"/employees/{grace.id}/background-checks",
        "list_training_records": f"/employees/{maria.id}/training-records",
        "list_competency_ratings": f"/employees/{maria.id}/competency-ratings",
        "list_education": f"/employees/{grace.id}/education",
        "show_employee": f"/employees/{maria.id}",
        "list_employees": "/employees",
        "list_roles": "/roles",
        "show_role": "/roles/L3-CSM",
        "list_courses": "/courses",
        "show_course": "/courses/SUP-101",
        "list_course_sessions": "/courses/PCI-AWARE/sessions",
        "list_competencies": "/competencies",
        "list_check_types": "/check-types",
        "list_instruments": "/instruments",
        "list_qualifications": "/qualifications",
        "list_ladder": "/ladder",
        "list_role_requirements": "/roles/L2-CSS/requirements",
        "show_background_check": "/background-checks/1",
        "list_users": "/users",
    }
    for endpoint, path in paths.items():
        response = api.get(path)
        assert response.status_code == 200, (path, response.get_json())
        schema = {"$ref": f"#/components/schemas/{OPERATIONS[endpoint].response}"}
        _check_against_schema(response.get_json(), schema, endpoint)


# --------------------------------------------------------------------------- no 500s

ODD_VALUES = (None, "", "x" * 300, -1, 10**30, 1.5, True, [], {}, "2026-02-30", "\x00")
ODD_PARAMS = ("x", "-1", "0", "9999-12-31", "0001-01-01", "%00", "1" * 40)


def _writer(op: Any) -> str:
    """Who calls an operation in the sweeps: hr, or an admin where only admins may."""
    return "admin" if op.permission == "admin" else "hr"


def test_no_input_makes_the_api_fail_with_a_500(api, maria, demo_db):
    """Issue 6 and house rules: bad input gets a clear 4xx, never a server error."""
    from app.blueprints.api.spec import OPERATIONS

    check = demo_db.session.scalar(
        select(__import__("app.models", fromlist=["BackgroundCheck"]).BackgroundCheck.id).limit(1)
    )
    values = {
        "employee_id": maria.id,
        "check_id": check,
        "request_id": 1,
        "code": "PCI-AWARE",
        "user_id": user_for("employee").id,
    }
    failures = []
    for rule in api.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        op = OPERATIONS[rule.endpoint.split(".", 1)[1]]
        path = rule.rule.removeprefix("/api/v1")
        for name, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        attempts: list[tuple[str, Any]] = []
        if op.body:
            fields = list(COMPONENTS[op.body]["properties"])
            attempts += [("", {field: odd}) for field in fields for odd in ODD_VALUES]
            attempts += [("", {field: odd for field in fields}) for odd in ODD_VALUES]
        for param in op.params:
            attempts += [(f"?{param.name}={odd}", None) for odd in ODD_PARAMS]
        attempts.append(("", None))
        for query, body in attempts:
            response = api.call(op.method, f"{path}{query}", _writer(op), body)
            if response.status_code >= 500:
                failures.append(f"{op.method} {path}{query} {body!r:.80}")
        if "<int:" in rule.rule:  # an id no row can have is not found
            huge = re.sub(r"<int:\w+>", str(10**30), rule.rule)
            huge = huge.replace("<code>", "PCI-AWARE")
            if api.call(op.method, huge, _writer(op), {}).status_code != 404:
                failures.append(f"{op.method} {huge}")
    assert failures == [], "\n".join(failures)


# --------------------------------------------------------------------------- closed bodies


def _schema(document: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in spec:
        spec = document["components"]["schemas"][spec["$ref"].rsplit("/", 1)[-1]]
    return spec


def _extra_field_bodies(document: dict[str, Any], schema: dict[str, Any]) -> list[tuple]:
    """(body, the error key naming the extra field): one at the top level, and one inside
    each list of closed objects the schema declares (a 360's responses, a role's
    requirements)."""
    bodies: list[tuple] = [({"rater_name": "Jo Bloggs"}, "rater_name")]
    for key, spec in schema.get("properties", {}).items():
        items = _schema(document, spec.get("items", {}))
        if spec.get("type") == "array" and items.get("additionalProperties") is False:
            bodies.append(({key: [{"rater_email": "jo@example.com"}]}, f"{key}[0].rater_email"))
    return bodies


def _concrete(api, path: str, maria: Employee) -> str:  # type: ignore[no-untyped-def]
    """The path with ids and codes of rows that exist and that hr may see."""
    check = db.session.scalar(select(BackgroundCheck.id).order_by(BackgroundCheck.id))
    path = path.replace("{employee_id}", str(maria.id)).replace("{check_id}", str(check))
    path = path.replace("{request_id}", "1")
    session = db.session.scalar(select(CourseSession.id).order_by(CourseSession.id))
    booking = db.session.scalar(select(Enrolment.id).order_by(Enrolment.id))
    path = path.replace("{session_id}", str(session)).replace("{enrolment_id}", str(booking))
    path = path.replace("{user_id}", str(user_for("employee").id))
    if "{code}" in path:
        collection = path.split("/{code}")[0]
        code = api.get(collection).get_json()["items"][0]["code"]
        path = path.replace("{code}", code)
    return path


def test_every_write_of_the_openapi_document_refuses_unknown_fields(api, maria):
    """docs/API.md: bodies are closed. Each POST, PUT and PATCH of the OpenAPI document, sent
    a field it does not declare (at the top or inside a list, like a 360 response carrying a
    rater's name and email), answers 422 naming it, and nothing changes."""
    document = _document(api)
    from app.blueprints.api.spec import OPERATIONS

    api.token("hr")  # made (and audited) before the walk counts what changes
    api.token("admin")
    walked, failures = 0, []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation["requestBody"]["content"]
            schema = _schema(document, content["application/json"]["schema"])
            url = _concrete(api, path, maria)
            for body, named in _extra_field_bodies(document, schema):
                before = audit_count()
                who = _writer(OPERATIONS[operation["operationId"]])
                answers = [api.call(method.upper(), url, who, body)]
                if "multipart/form-data" in content:
                    flat = {k: str(v) for k, v in body.items() if not isinstance(v, list)}
                    if flat:
                        answers.append(
                            api.call(
                                method.upper(),
                                url,
                                who,
                                data=flat,
                                content_type="multipart/form-data",
                            )
                        )
                for answer in answers:
                    errors = (answer.get_json() or {}).get("errors", {})
                    if answer.status_code != 422 or named not in errors:
                        failures.append(
                            f"{method.upper()} {url} {body}: {answer.status_code} {errors}"
                        )
                    elif "Unknown field" not in " ".join(errors[named]):
                        failures.append(f"{method.upper()} {url}: {errors[named]}")
                if audit_count() != before:
                    failures.append(f"{method.upper()} {url} {body}: something changed")
            walked += 1
    assert walked >= 28  # every write of the API
    assert failures == [], "\n".join(failures)
