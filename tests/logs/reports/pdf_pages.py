"""Read a PDF as a person would: each page's text (poppler's pdftotext) and a page as PNG (pdftoppm).

bin/test installs poppler-utils; without it these tests are skipped with the reason, or fail
under POPWATCH_REQUIRE_SERVICES=1.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests import services

REPO = Path(__file__).resolve().parents[3]
OUTPUT = REPO / "test-output" / "reports"


def require_poppler():
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdfimages"):
        if shutil.which(tool) is None:
            services.unavailable(f"needs {tool} (bin/test installs poppler-utils as root)")


def page_count(pdf):
    info = _run(["pdfinfo", PDF], pdf).decode()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def page_texts(pdf):
    """The text of each page, in its layout (columns stay on their lines)."""
    return [
        _run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), PDF, "-"], pdf).decode()
        for n in range(1, page_count(pdf) + 1)
    ]


def images_in(pdf):
    """The raster images the PDF holds (pdfimages' list, without its two header lines)."""
    return _run(["pdfimages", "-list", PDF], pdf).decode().splitlines()[2:]


def save_page_as_png(pdf, page, name, *, dpi=100):
    """Page ``page`` as test-output/reports/<name>.png; returns its path."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        stem = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", source, stem],
            check=True, timeout=60,
        )
        target = OUTPUT / f"{name}.png"
        shutil.move(f"{stem}.png", target)
    return target


PDF = object()  # where a command takes the PDF's file name


def _run(command, pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(pdf)
        source.flush()
        command = [source.name if part is PDF else part for part in command]
        return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout
