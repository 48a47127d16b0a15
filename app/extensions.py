"""Flask extensions, created unbound; create_app() binds them."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model at runtime, out of Base's bases and body (the same
    # registry and metadata), which mypy cannot follow: models are checked against Base.

    class Model(Base):
        __abstract__ = True
        __table__: ClassVar[Table]  # every model maps one table, not any FromClause

else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def on_session(**listeners: Callable[..., Any]) -> None:
    """Attach each listener to every Session's event of its name, once per process (attaching
    the same function again is a no-op), e.g. ``on_session(after_commit=_send)``."""
    for name, listener in listeners.items():
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_TRANSACTION_NOTES: set[str] = set()


def transaction_notes(*keys: str) -> None:
    """Keys of ``session.info`` under which listeners note what the transaction under way has
    changed, for its commit to act on: each is dropped when the transaction commits or rolls
    back, so nothing noted leaks into the next one (staleness's pending versions, ...)."""
    _TRANSACTION_NOTES.update(keys)
    on_session(after_commit=_drop_transaction_notes, after_rollback=_drop_transaction_notes)


def _drop_transaction_notes(session: Session) -> None:
    for key in _TRANSACTION_NOTES:
        session.info.pop(key, None)
