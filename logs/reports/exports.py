"""Which exporter, content type and file name each export format has: the one place the API
endpoint, the export page and the share link answer an export from.

They differ only in how they find the person and the days; ``export_response`` answers
the same for all of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.text import slugify

from . import to_csv, to_fhir, to_json, to_pdf


@dataclass(frozen=True)
class Format:
    render: Callable  # a report in; chunks of text to stream, or the whole file as bytes
    content_type: str
    extension: str

    @property
    def media_type(self):
        return self.content_type.split(";")[0]


FORMATS = {
    "csv": Format(to_csv.rows_of, "text/csv; charset=utf-8", "csv"),
    "json": Format(to_json.report_of, "application/json", "json"),
    "fhir": Format(to_fhir.bundle_of, "application/fhir+json", "json"),
    "pdf": Format(to_pdf.render, "application/pdf", "pdf"),
}


def export_response(report, fmt, *, filename=None):
    """``report`` in the format named ``fmt`` (a key of FORMATS), as a file to download.

    ``filename`` is without its extension: by default ``filename_for(report)``. Health data,
    so no cache keeps a copy.
    """
    export_format = FORMATS[fmt]
    body = export_format.render(report)
    response_class = HttpResponse if isinstance(body, bytes) else StreamingHttpResponse
    response = response_class(body, content_type=export_format.content_type)
    return _as_download(response, f"{filename or filename_for(report)}.{export_format.extension}")


def filename_for(report):
    """``popwatch-maya-2026-10-01-to-2026-11-29``: whose log and which days, in ASCII."""
    name = slugify(report.person.name) or f"person-{report.person.pk}"
    return f"popwatch-{name}-{report.start.isoformat()}-to-{report.end.isoformat()}"


def everything_response(user):
    """Everything ``user`` owns as one JSON file (``to_json.everything_of``), streamed."""
    today = timezone.localdate(timezone=ZoneInfo(user.timezone))
    response = StreamingHttpResponse(to_json.everything_of(user), content_type="application/json")
    return _as_download(response, f"popwatch-{today.isoformat()}.json")


def _as_download(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
