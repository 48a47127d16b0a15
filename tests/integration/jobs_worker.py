"""A real background-jobs worker for the tests: `python -m tests.integration.jobs_worker CONFIG`.

CONFIG is the JSON of the test app's settings (its database, queue and result folder), so the
worker consumes the same storage as the test's app. It runs what `flask --app app worker` runs:
``app.services.jobs.consumer(app).run()``, until the test stops (or kills) it.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from sqlalchemy.pool import NullPool

    from app import create_app
    from app.services import jobs

    config = json.loads(sys.argv[1])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    app = create_app(config)
    jobs.consumer(app).run()


if __name__ == "__main__":
    main()
