"""The Talent endpoints (docs/API.md "Talent"): a 360 round opened through the API answers its
counts per group and never its raters; the 9-box grid per period for managers and hr."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import FeedbackRound
from app.readiness.vocabulary import BANDS
from app.services.records import record_talent_review
from tests.conftest import TEST_TODAY
from tests.integration.api_support import Api, employee_named, user_for
from tests.mailbox import LoopbackSMTP, configure


@pytest.fixture
def api(demo_app, demo_db):  # type: ignore[no-untyped-def]
    return Api(demo_app)


@pytest.fixture
def smtp(demo_app):  # type: ignore[no-untyped-def]
    with LoopbackSMTP() as box:
        configure(demo_app, box)
        yield box


def _body(grace_id: int) -> dict:
    return {
        "instrument": "LEAD-360",
        "closes_on": (TEST_TODAY + timedelta(days=14)).isoformat(),
        "raters": [
            {"group": "self", "employee_id": grace_id},
            {"group": "peer", "email": "peer.one@partner.example"},
            {"group": "peer", "email": "peer.two@partner.example"},
            {"group": "other", "email": "client@partner.example"},
        ],
    }


def test_opening_a_round_answers_counts_never_raters(api, smtp):
    grace = employee_named("Grace Okafor")
    answer = api.post(f"/employees/{grace.id}/360-rounds", _body(grace.id), "hr")
    assert answer.status_code == 201, answer.get_json()
    data = answer.get_json()
    assert data["state"] == "open" and data["instrument"] == "LEAD-360"
    peers = next(g for g in data["groups"] if g["group"] == "peer")
    assert (peers["invited"], peers["answered"], peers["minimum"]) == (2, 0, 3)
    assert "partner.example" not in json.dumps(data)
    smtp.wait_for(4)
    assert len(smtp.messages) == 4

    again = api.get(f"/360-rounds/{data['id']}", "manager").get_json()
    assert {g["group"] for g in again["groups"]} == {"peer", "other"}  # self: person and hr only
    assert "partner.example" not in json.dumps(again)
    assert api.get(f"/360-rounds/{data['id']}", "employee").status_code == 404
    assert api.get(f"/360-rounds/{data['id']}", "finance").status_code == 404


def test_bad_bodies_and_callers_are_refused_and_change_nothing(api, smtp):
    grace = employee_named("Grace Okafor")
    bad = api.post(
        f"/employees/{grace.id}/360-rounds", {**_body(grace.id), "closes_on": "2001-01-01"}
    )
    assert bad.status_code == 422 and "closes_on" in bad.get_json()["errors"]
    unknown = api.post(f"/employees/{grace.id}/360-rounds", {**_body(grace.id), "rater": 1})
    assert unknown.status_code == 422
    twice = _body(grace.id)
    twice["raters"].append({"group": "other", "email": "peer.one@partner.example"})
    assert api.post(f"/employees/{grace.id}/360-rounds", twice).status_code == 422
    maria = employee_named("Maria Lopez")
    assert (
        api.post(f"/employees/{maria.id}/360-rounds", _body(maria.id), "employee").status_code
        == 403
    )
    assert (
        api.post(f"/employees/{grace.id}/360-rounds", _body(grace.id), "finance").status_code == 404
    )
    assert db.session.query(FeedbackRound).filter_by(employee_id=grace.id).count() == 0
    assert not smtp.messages


def test_the_talent_grid_for_hr_and_managers(api):
    hr = user_for("hr")
    record_talent_review(employee_named("Grace Okafor"), "2026-H2", 3, 3, actor=hr)
    record_talent_review(employee_named("Lena Fischer"), "2026-H2", 1, 2, actor=hr)
    data = api.get("/talent-grid?period=2026-H2", "hr").get_json()
    assert len(data["boxes"]) == 9
    top = next(b for b in data["boxes"] if (b["performance"], b["potential"]) == (3, 3))
    assert top["name"] == "Future leader"
    person = top["people"][0]
    assert person["name"] == "Grace Okafor" and person["next_role"] == "L3-CSM"
    assert person["next_role_band"] in BANDS
    sam = api.get("/talent-grid?period=2026-H2", "manager").get_json()
    names = {p["name"] for b in sam["boxes"] for p in b["people"]}
    assert names == {"Grace Okafor"}
    assert api.get("/talent-grid", "employee").status_code == 403
    south = api.get("/talent-grid?period=2026-H2&department=cs-south", "hr").get_json()
    assert {p["name"] for b in south["boxes"] for p in b["people"]} == {"Lena Fischer"}
