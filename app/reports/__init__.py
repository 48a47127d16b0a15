"""Reports as documents: readiness, team bench strength, compliance and tuition (issue 7).

DESIGN.md "Reports are data first": each report is built by a PURE function from plain values
(``individual``, ``compliance``, ``tuition``, ``team``), tested without HTML or PDF; ``sources``
loads those values in bulk with a fixed number of queries and applies the access policy; one
Jinja template per report renders both the HTML page and the PDF; ``pdf`` is the only module
that touches WeasyPrint, with a URL fetcher that serves the app's own static files and nothing
else.
"""
