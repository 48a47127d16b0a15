"""Check that this machine has the system libraries Echelon needs, before anything is installed.

`make run` and `make test` call it first. WeasyPrint (the report PDFs) loads Pango, PangoFT2 and
HarfBuzz-Subset at run time, and needs at least one font; without them every PDF would fail. On
a machine that lacks any of them this prints the one `apt-get install` line and exits 1, so the
app never serves half-working. Standard library only: it runs before the virtualenv exists.

    python3 scripts/check_system.py          # what `make run` needs
    python3 scripts/check_system.py --test   # and notes what `make test` adds (PostgreSQL,
                                             # Chromium), whose tests skip without it
"""

from __future__ import annotations

import ctypes.util
import glob
import shutil
import sys

# (Debian package, how to tell it is there)
RUN_PACKAGES = (
    ("libpango-1.0-0", lambda: ctypes.util.find_library("pango-1.0") is not None),
    ("libpangoft2-1.0-0", lambda: ctypes.util.find_library("pangoft2-1.0") is not None),
    ("libharfbuzz-subset0", lambda: ctypes.util.find_library("harfbuzz-subset") is not None),
    ("fonts-dejavu-core", lambda: bool(glob.glob("/usr/share/fonts/**/*.ttf", recursive=True))),
)
TEST_PACKAGES = (
    ("postgresql", lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))),
    ("chromium", lambda: shutil.which("chromium") is not None),
)


def missing(packages: tuple) -> list[str]:
    return [name for name, present in packages if not present()]


def main(argv: list[str]) -> int:
    testing = "--test" in argv
    wanted = RUN_PACKAGES + (TEST_PACKAGES if testing else ())
    line = f"  sudo apt-get install -y --no-install-recommends {' '.join(n for n, _ in wanted)}"
    lacking = missing(RUN_PACKAGES)
    if lacking:
        what = "make test" if testing else "make run"
        print(f"Echelon cannot start: this machine lacks system packages that `{what}` needs:")
        for name in lacking:
            print(f"  - {name}")
        print("Install them with (Debian or Ubuntu), then run the command again:")
        print(line)
        return 1
    extras = missing(TEST_PACKAGES) if testing else []
    if extras:
        print(f"Note: without {', '.join(extras)} part of the suite is skipped (the PostgreSQL")
        print("pass, the browser tests). For the whole suite install:")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
