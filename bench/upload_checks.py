"""Time the upload content checks (SECURITY.md finding 12): a 40-page PDF and a 12 MP JPEG.

    .venv/bin/python -m bench.upload_checks [--runs 5]

The PDF is drawn by WeasyPrint (text on every page, embedded fonts: what a certificate or a
transcript looks like); the JPEG is a 4,000 x 3,000 photo-like image (gradient and noise) saved
at quality 85. Each is checked by ``app.services.uploads.check_content`` (the parsing every
upload passes before it is kept), median of ``--runs`` runs. Timings belong here, never in
pass/fail tests (DESIGN.md principle 10).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time


def forty_page_pdf() -> bytes:
    from weasyprint import HTML

    pages = "".join(
        f"<section style='page-break-after: always'><h1>Transcript, page {n}</h1>"
        + "<p>Module results, credits and grades for the academic year. " * 40
        + "</p></section>"
        for n in range(1, 41)
    )
    return HTML(string=f"<html><body>{pages}</body></html>").write_pdf()


def twelve_megapixel_jpeg() -> bytes:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 24)
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from app import create_app
    from app.services import uploads

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        for label, data in (
            ("40-page PDF", forty_page_pdf()),
            ("12 MP JPEG", twelve_megapixel_jpeg()),
        ):
            kind = uploads.sniff(data)
            assert kind is not None
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                uploads.check_content(data, kind)
                times.append(time.perf_counter() - start)
            print(
                f"{label}: {len(data) / 1024 / 1024:.2f} MB, check median "
                f"{statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f} ms, "
                f"{args.runs} runs)"
            )


if __name__ == "__main__":
    main()
