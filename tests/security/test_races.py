"""Races and stale edits: nothing is silently overwritten and nothing is lost (issue 9).

- Stale edit forms: every edit page of a versioned record (Employee, Completion,
  CompetencyRating, BackgroundCheck, Course) carries the version it showed in a hidden field;
  a save made from a page opened before someone else's save is refused with a message saying
  so, and the other person's change stays.
- Two writers at the same moment (real threads, one session and connection each, released
  together by a barrier after both have read the record): one wins, the other is told; the
  stored values are the winner's and the audit trail has exactly one update.
- A CSV import running while someone edits a person it touches: the import is all or
  nothing, and the edit lands before or after it, never lost.
- Concurrent tuition approvals are raced in tests/integration/test_tuition_race.py.

Run on SQLite and, with ``--db=postgresql``, on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit import acting_as
from app.extensions import db
from app.models import (
    AuditEntry,
    BackgroundCheck,
    CheckType,
    CompetencyRating,
    Completion,
    Course,
    Employee,
    User,
)
from app.services import catalogue, csv_io, records
from app.services.catalogue.errors import CatalogueError
from tests.conftest import PERSONAS
from tests.security import figures
from tests.security.forms import form_fields

STALE = records.STALE_MESSAGE
TIMEOUT = 20
TRIALS = 3  # races per kind of record


def _maria() -> Employee:
    return db.session.scalar(select(Employee).where(Employee.email == "maria.lopez@example.com"))


def _hr() -> User:
    return db.session.scalar(select(User).where(User.email == PERSONAS["hr"]))


def _maria_completion() -> Completion:
    return db.session.scalar(
        select(Completion)
        .join(Course)
        .where(Completion.employee_id == _maria().id, Course.code == "PCI-AWARE")
    )


def _maria_rating() -> CompetencyRating:
    return db.session.scalar(
        select(CompetencyRating)
        .where(CompetencyRating.employee_id == _maria().id, CompetencyRating.source != "self")
        .order_by(CompetencyRating.id)
    )


def _maria_check() -> BackgroundCheck:
    return db.session.scalar(
        select(BackgroundCheck)
        .join(CheckType)
        .where(BackgroundCheck.employee_id == _maria().id, CheckType.code == "CRIMINAL")
    )


# ------------------------------------------------------------------------- stale edit forms

# name -> (edit page, the form's action (None: posts to itself), field, value read back)
EDIT_PAGES: dict[str, tuple[Callable[[], str], str | None, str, Callable[[], Any]]] = {
    "profile": (
        lambda: f"/records/employees/{_maria().id}/profile",
        None,
        "name",
        lambda: _maria().name,
    ),
    "completion": (
        lambda: f"/records/completions/{_maria_completion().id}/edit",
        None,
        "score",
        lambda: str(_maria_completion().score),
    ),
    "rating": (
        lambda: f"/records/ratings/{_maria_rating().id}/edit",
        None,
        "evidence",
        lambda: _maria_rating().evidence,
    ),
    "check": (
        lambda: f"/records/checks/{_maria_check().id}",
        "/details",
        "vendor",
        lambda: _maria_check().vendor,
    ),
    "course": (
        lambda: "/catalogue/courses/CS-FOUND/edit",
        None,
        "title",
        lambda: db.session.scalar(select(Course.title).where(Course.code == "CS-FOUND")),
    ),
}
VALUES = {
    "name": ("Maria Lopez Garcia", "Maria L. Lopez"),
    "score": ("88.00", "42.00"),
    "evidence": ("Observed by the first editor", "Observed by the second editor"),
    "vendor": ("First Screening Ltd", "Second Screening Ltd"),
    "title": ("Customer service foundations (2027)", "Customer service basics"),
}


def _post_url(page: str, action: str | None, html: str) -> str:
    if action is None:
        return page
    import re

    found = re.search(rf'action="([^"]*{re.escape(action)})"', html)
    assert found, f"no form posting to {action} on {page}"
    return found.group(1)


@pytest.mark.parametrize("kind", sorted(EDIT_PAGES))
def test_a_save_from_a_stale_edit_page_is_refused_and_the_other_change_stays(
    kind, login_as, demo_db
):
    page_of, action, field, stored = EDIT_PAGES[kind]
    page = page_of()
    first, second = login_as("hr"), login_as("hr")
    theirs, mine = VALUES[field]

    opened = first.get(page).get_data(as_text=True)
    stale_fields = form_fields(opened, action)
    assert stale_fields.get("version"), f"the {kind} edit form does not carry its version"
    post_url = _post_url(page, action, opened)

    other_page = second.get(page).get_data(as_text=True)
    fields = form_fields(other_page, action)
    fields[field] = theirs
    assert second.post(post_url, data=fields).status_code == 302

    stale_fields[field] = mine
    refused = first.post(post_url, data=stale_fields)
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    if kind == "course":  # the catalogue's own wording, since the catalogue work
        assert "Someone else changed CS-FOUND since you opened it. Reload the page" in text
    else:
        assert (
            "This record was changed by someone else while you were editing. "
            "Reload to see their change."
        ) in text
    demo_db.session.expire_all()
    assert stored() == theirs, "the other person's change was overwritten"

    # After reloading, the first editor sees their change and can save over it knowingly.
    fresh = form_fields(first.get(page).get_data(as_text=True), action)
    assert fresh[field] == theirs
    fresh[field] = mine
    assert first.post(post_url, data=fresh).status_code == 302
    demo_db.session.expire_all()
    assert stored() == mine


def test_the_service_refuses_a_stale_version_and_changes_nothing(demo_db):
    """The JSON API and the pages call the same service: plain arguments, a clear refusal."""
    employee = _maria()
    seen = employee.version
    audit = demo_db.session.scalar(select(func.count(AuditEntry.id)))
    with acting_as("test:races"):
        records.update_employee(employee, {"jurisdiction": "US-ZZ"}, actor=_hr())
        with pytest.raises(records.RecordConflict) as refused:
            records.update_employee(
                employee, {"jurisdiction": "US-WA"}, actor=_hr(), expected_version=seen
            )
    assert str(refused.value) == STALE and refused.value.status == 409
    demo_db.session.expire_all()
    assert _maria().jurisdiction == "US-ZZ"
    assert demo_db.session.scalar(select(func.count(AuditEntry.id))) == audit + 1


# ------------------------------------------------------------------------- two writers at once


def _race(app: Any, attempts: list[Callable[[], Any]], hold: Callable[[], Any]) -> list[Any]:
    """Each attempt in its own thread and app context (its own session and connection); all
    of them read first (``hold`` answers what each read), meet at a barrier, then write."""
    barrier = threading.Barrier(len(attempts), timeout=TIMEOUT)
    results: list[Any] = [None] * len(attempts)

    def run(index: int) -> None:
        with app.app_context():
            try:
                seen = hold()
                barrier.wait()
                with acting_as(f"test:writer-{index}"):
                    results[index] = ("ok", attempts[index](seen))
            except (records.RecordError, CatalogueError) as error:
                results[index] = ("refused", error)
            except BaseException as error:  # report it: a crash is a failure, not a loss
                barrier.abort()
                results[index] = ("crashed", error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    crashed = [r[1] for r in results if r[0] == "crashed"]
    assert not crashed, f"a writer failed instead of winning or being told: {crashed!r}"
    return results


def _employee_writer(value: str) -> Callable[[Any], Any]:
    def write(seen: Any) -> Any:
        employee = db.session.get(Employee, seen[0])
        return records.update_employee(
            employee, {"jurisdiction": value}, actor=_hr(), expected_version=seen[1]
        )

    return write


def _completion_writer(value: str) -> Callable[[Any], Any]:
    def write(seen: Any) -> Any:
        completion = db.session.get(Completion, seen[0])
        return records.update_completion(
            completion,
            completion.completed_on,
            value,
            actor=_hr(),
            expected_version=seen[1],
        )

    return write


def _rating_writer(value: str) -> Callable[[Any], Any]:
    def write(seen: Any) -> Any:
        rating = db.session.get(CompetencyRating, seen[0])
        return records.update_rating(
            rating, rating.level, rating.rated_on, value, actor=_hr(), expected_version=seen[1]
        )

    return write


def _check_writer(value: str) -> Callable[[Any], Any]:
    def write(seen: Any) -> Any:
        check = db.session.get(BackgroundCheck, seen[0])
        return records.update_check_details(
            check, value, check.findings, actor=_hr(), expected_version=seen[1]
        )

    return write


def _course_writer(value: str) -> Callable[[Any], Any]:
    def write(seen: Any) -> Any:
        return catalogue.update_course("CS-FOUND", title=value, expected_version=seen[1])

    return write


# kind -> (what each writer reads: (id, version), a writer of a value, the value read back)
WRITERS: dict[str, tuple[Callable[[], Any], Callable[[str], Any], Callable[[], Any], str]] = {
    "employee": (
        lambda: (_maria().id, _maria().version),
        _employee_writer,
        lambda: _maria().jurisdiction,
        "employees",
    ),
    "completion": (
        lambda: (_maria_completion().id, _maria_completion().version),
        _completion_writer,
        lambda: str(_maria_completion().score),
        "completions",
    ),
    "rating": (
        lambda: (_maria_rating().id, _maria_rating().version),
        _rating_writer,
        lambda: _maria_rating().evidence,
        "competency_ratings",
    ),
    "check": (
        lambda: (_maria_check().id, _maria_check().version),
        _check_writer,
        lambda: _maria_check().vendor,
        "background_checks",
    ),
    "course": (
        lambda: (None, db.session.scalar(select(Course.version).where(Course.code == "CS-FOUND"))),
        _course_writer,
        lambda: db.session.scalar(select(Course.title).where(Course.code == "CS-FOUND")),
        "courses",
    ),
}
RACE_VALUES = {
    "employee": lambda trial: (f"US-T{trial}A", f"US-T{trial}B"),
    "completion": lambda trial: (f"{60 + trial}.00", f"{70 + trial}.00"),
    "rating": lambda trial: (f"Writer A, trial {trial}", f"Writer B, trial {trial}"),
    "check": lambda trial: (f"Vendor A{trial}", f"Vendor B{trial}"),
    "course": lambda trial: (f"Foundations A{trial}", f"Foundations B{trial}"),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_two_editors_saving_at_the_same_moment_one_wins_and_the_other_is_told(
    kind, demo_app, demo_db
):
    read, writer, stored, table = WRITERS[kind]
    demo_db.session.remove()
    for trial in range(TRIALS):
        with demo_app.app_context():
            before = _updates(table)
        values = RACE_VALUES[kind](trial)
        results = _race(demo_app, [writer(v) for v in values], read)
        won = [values[i] for i, r in enumerate(results) if r[0] == "ok"]
        lost = [r[1] for r in results if r[0] == "refused"]
        assert len(won) == 1 and len(lost) == 1, results
        message = str(lost[0])
        assert "Reload" in message, message
        with demo_app.app_context():
            assert stored() == won[0], "the stored value is not the winner's"
            assert _updates(table) == before + 1, "not exactly one audited update"
            db.session.remove()
    figures.add("race trials run", TRIALS)


def _updates(table: str) -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.table_name == table, AuditEntry.action == "update"
        )
    )


# ------------------------------------------------------------------------- import while editing


def _employees_csv(rows: list[Employee], jurisdiction: str) -> bytes:
    lines = ["employee_no,name,email,hire_date,jurisdiction"]
    for e in rows:
        lines.append(f"{e.employee_no},{e.name},{e.email},{e.hire_date.isoformat()},{jurisdiction}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("edit_first", [True, False], ids=["edit-first", "import-first"])
def test_an_import_running_while_someone_edits_loses_nothing(
    edit_first, demo_app, demo_db, monkeypatch
):
    """The import (Maria first, then two colleagues) reads Maria; the edit of Maria's name is
    made while the import is still open, before or after the import writes her row."""
    maria = _maria()
    colleagues = list(
        demo_db.session.scalars(
            select(Employee)
            .where(Employee.manager_id == maria.manager_id, Employee.id != maria.id)
            .order_by(Employee.id)
            .limit(2)
        )
    )
    people = [maria, *colleagues]
    ids = [p.id for p in people]
    data = _employees_csv(people, "GB-IMP")
    demo_db.session.remove()

    read_maria = threading.Event()
    edited = threading.Event()
    original = records.profile._update_employee

    def paced(employee: Employee, changes: Any, *, actor: Any) -> Any:
        if employee.id == ids[0] and threading.current_thread().name == "import":
            if edit_first:
                read_maria.set()
                edited.wait(3)  # the edit commits now (or waits for the import's lock)
            result = original(employee, changes, actor=actor)
            if not edit_first:
                db.session.flush()  # the import has written Maria's row, and holds it
                read_maria.set()
            return result
        return original(employee, changes, actor=actor)

    monkeypatch.setattr(records.profile, "_update_employee", paced)
    outcome: dict[str, Any] = {}

    def run_import() -> None:
        with demo_app.app_context():
            try:
                with acting_as("test:import"):
                    outcome["import"] = csv_io.run_import(
                        "employees", data, apply=True, actor=_hr()
                    )
            except BaseException as error:
                outcome["import"] = error
            finally:
                read_maria.set()
                db.session.remove()

    def run_edit() -> None:
        read_maria.wait(TIMEOUT)
        with demo_app.app_context():
            try:
                employee = db.session.get(Employee, ids[0])
                with acting_as("test:edit"):
                    outcome["edit"] = records.update_employee(
                        employee,
                        {"name": "Maria Lopez Garcia"},
                        actor=_hr(),
                        expected_version=employee.version,
                    )
            except BaseException as error:
                outcome["edit"] = error
            finally:
                edited.set()
                db.session.remove()

    threads = [
        threading.Thread(target=run_import, name="import"),
        threading.Thread(target=run_edit, name="edit"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    assert not any(t.is_alive() for t in threads), "the import or the edit hung"

    report, edit = outcome["import"], outcome["edit"]
    assert isinstance(report, csv_io.ImportReport), f"the import crashed: {report!r}"
    assert isinstance(edit, records.ProfileChange | records.RecordConflict), (
        f"the edit crashed: {edit!r}"
    )
    demo_db.session.expire_all()
    rows = demo_db.session.scalars(select(Employee).where(Employee.id.in_(ids)))
    stored = {e.id: e for e in rows}
    imported = [stored[i].jurisdiction == "GB-IMP" for i in ids]
    assert all(imported) or not any(imported), "the import was applied in part"
    edit_landed = stored[ids[0]].name == "Maria Lopez Garcia"
    if isinstance(edit, records.RecordConflict):
        assert not edit_landed and report.applied and all(imported)
        assert str(edit) == STALE
    else:
        assert edit_landed, "the edit was answered as saved but is not stored"
        if report.applied:
            assert all(imported)
        else:  # the import met the edit on Maria's row: refused as a whole, and says why
            assert not any(imported)
            messages = [m for row in report.rows for m in row.messages]
            assert any("Reload" in m for m in messages), messages
    assert report.applied or edit_landed, "both the import and the edit were lost"
    figures.add("race trials run", 1)
