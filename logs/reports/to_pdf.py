"""The doctor report as a PDF: the report's HTML document (``document.py``) laid out by WeasyPrint.

WeasyPrint is given the print stylesheet and nothing else: it may fetch no outside resource
(the charts are inline SVG, the fonts the system's), so nothing written in a log can make
the server fetch anything.
"""

from functools import cache

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from . import document

STYLESHEET = "css/report.css"


def render(report):
    """The report as PDF bytes."""
    html = HTML(string=document.render_html(report, for_print=True), url_fetcher=_fetch_nothing())
    return html.write_pdf(stylesheets=[_stylesheet()])


@cache
def _stylesheet():
    return CSS(filename=finders.find(STYLESHEET), url_fetcher=_fetch_nothing())


def _fetch_nothing():
    return URLFetcher(allowed_protocols=())
