"""The 9-box grid and calibration (docs/RULES.md "Talent review grid (9-box)")."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Employee, JobRole, TalentCalibration, TalentReview
from app.services.records import record_talent_review
from tests.factories import employee_named, persona_user

PERIOD = "2026-H2"


def _place(name: str, performance: int, potential: int) -> TalentReview:
    return record_talent_review(
        employee_named(name), PERIOD, performance, potential, actor=persona_user("hr")
    )


def _supervisors() -> list[Employee]:
    css = db.session.scalar(select(JobRole).where(JobRole.code == "L2-CSS"))
    return list(db.session.scalars(select(Employee).where(Employee.job_role_id == css.id)))


def test_the_grid_places_people_as_cards_managers_see_their_own(demo_db, login_as):
    grace = _place("Grace Okafor", 3, 3)
    _place("Daniel Kim", 2, 1)
    _place("Lena Fischer", 3, 2)
    page = login_as("hr").get(f"/talent/grid?period={PERIOD}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<th scope="col">High performance</th>' in body
    assert '<th scope="row">High potential</th>' in body
    assert "Future leader" in body and "Grace Okafor" in body and "Lena Fischer" in body
    card = body[body.index(f'id="card-{grace.id}"') :][:1500]
    assert "Customer Service Supervisor" in card or "L2" in card or "Supervisor" in card
    assert "months in role" in card and "Next L3-CSM:" in card

    sam = login_as("manager").get(f"/talent/grid?period={PERIOD}").get_data(as_text=True)
    assert "Grace Okafor" in sam and "Daniel Kim" in sam
    assert "Lena Fischer" not in sam  # not below Sam
    assert "Move Grace Okafor" not in sam  # managers do not calibrate

    south = login_as("hr").get(f"/talent/grid?period={PERIOD}&department=CS-SOUTH")
    assert "Lena Fischer" in south.get_data(as_text=True)
    assert "Grace Okafor" not in south.get_data(as_text=True)
    assert login_as("employee").get("/talent/grid").status_code == 403


def test_hr_moves_a_person_with_a_reason_the_earlier_box_is_kept(demo_db, login_as):
    review = _place("Grace Okafor", 2, 2)
    hr = login_as("hr")
    refused = hr.post(f"/talent/grid/placements/{review.id}/move", data={"box": "3x3"})
    assert refused.status_code == 302
    assert "Give the reason" in hr.get(refused.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(TalentReview, review.id).performance, review.potential) == (2, 2)

    sam = login_as("manager")
    assert (
        sam.post(
            f"/talent/grid/placements/{review.id}/move", data={"box": "3x3", "reason": "x"}
        ).status_code
        == 403
    )

    moved = hr.post(
        f"/talent/grid/placements/{review.id}/move",
        data={"box": "3x3", "reason": "Led the winter migration"},
    )
    assert moved.status_code == 302
    db.session.expire_all()
    now = db.session.get(TalentReview, review.id)
    assert (now.performance, now.potential) == (3, 3)
    move = db.session.scalar(
        select(TalentCalibration).where(TalentCalibration.review_id == review.id)
    )
    assert (move.from_performance, move.from_potential) == (2, 2)
    assert move.reason == "Led the winter migration"
    assert move.moved_by_user_id == persona_user("hr").id
    audited = {
        (e.table_name, e.action)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.record_id == str(review.id))
        )
    } | {
        (e.table_name, e.action)
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.record_id == str(move.id)))
    }
    assert ("talent_calibrations", "insert") in audited and ("talent_reviews", "update") in audited
    page = hr.get(f"/talent/grid?period={PERIOD}").get_data(as_text=True)
    card = page[page.index(f'id="card-{review.id}"') :][:600]
    assert "moved" in card
    same = hr.post(
        f"/talent/grid/placements/{review.id}/move", data={"box": "3x3", "reason": "again"}
    )
    assert "in that box already" in hr.get(same.headers["Location"]).get_data(as_text=True)


def test_hr_never_calibrates_their_own_placement(demo_db, login_as):
    hannah = employee_named("Hannah Reid")
    review = TalentReview(employee_id=hannah.id, period=PERIOD, performance=2, potential=2)
    db.session.add(review)
    db.session.commit()
    answer = login_as("hr").post(
        f"/talent/grid/placements/{review.id}/move", data={"box": "3x3", "reason": "Me"}
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(TalentReview, review.id).potential == 2


def test_the_grid_downloads_as_csv_and_as_a_pdf_page_per_department(demo_db, login_as):
    for e in _supervisors():
        _place(e.name, 2, 3)
    _place("Lena Fischer", 3, 2)
    hr = login_as("hr")
    answer = hr.get(f"/talent/grid.csv?period={PERIOD}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == len(_supervisors()) + 1
    lena = next(r for r in rows if r["name"] == "Lena Fischer")
    assert lena["box"] == "High performer" and lena["department"]
    assert {r["mandatory_gate_failed"] for r in rows} <= {"yes", "no"}
    pdf = hr.get(f"/talent/grid.pdf?period={PERIOD}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.data))
    departments = {r["department"] for r in rows}
    assert len(reader.pages) >= len(departments)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Lena Fischer" in text


def test_the_talent_card_on_a_person_page(demo_db, login_as):
    grace = employee_named("Grace Okafor")  # the demo placed her in this quarter's Future leader
    page = login_as("hr").get(f"/employees/{grace.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    card = body[body.index('id="talent-card-h"') :][:4000]
    assert "Future leader" in card and "2026-Q4" in card
    assert "Readiness up the ladder" in card and "L3-CSM" in card
    assert "Latest 360" in card and "months" in card
    assert "Open a 360 round" in card
    maria = employee_named("Maria Lopez")
    own = login_as("employee").get(f"/employees/{maria.id}").get_data(as_text=True)
    assert 'id="talent-card-h"' in own and "Open a 360 round" not in own
