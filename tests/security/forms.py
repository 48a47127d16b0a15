"""Read the fields of a rendered HTML form, as a browser would submit them."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "multipart": "multipart" in a.get("enctype", ""),
                "fields": {},
                "files": [],
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "y")
            elif kind == "file":
                self._form["files"].append(name)
            elif kind not in ("submit", "button"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            fields.setdefault(name, "")
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                fields[self._select] = value
            if "selected" in a:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._form is not None and self._textarea is not None:
            text = self._form["fields"][self._textarea]  # a browser drops one leading newline
            self._form["fields"][self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form["fields"][self._textarea] += data


def post_forms(html: str) -> list[dict]:
    """Every POST form of the page: ``{"action", "method", "multipart", "fields": {name: value},
    "files": [names of file inputs]}``."""
    reader = _FormReader()
    reader.feed(html)
    return [f for f in reader.forms if f["method"] == "post"]


def form_fields(html: str, action_contains: str | None = None) -> dict[str, str]:
    """The fields of the first POST form whose action contains ``action_contains`` (None: the
    form that posts back to its own page, with no action)."""
    for form in post_forms(html):
        if (action_contains is None and not form["action"]) or (
            action_contains and action_contains in form["action"]
        ):
            return dict(form["fields"])
    raise AssertionError(f"no POST form with an action containing {action_contains!r}")
