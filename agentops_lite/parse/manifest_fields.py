"""Typed field reading for manifests: each defect in a JSON object becomes a Problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentops_lite.models import Problem
from agentops_lite.parse.names import clean_text

MAX_DESCRIPTION_CHARS = 4000  # longer blurbs are truncated (with a warning) before storage
MAX_SHORT_CHARS = 200  # names, versions, categories, keywords


def err(path: str, code: str, message: str) -> Problem:
    return Problem(severity="error", path=path, message=message, code=code)


def warn(path: str, code: str, message: str) -> Problem:
    return Problem(severity="warning", path=path, message=message, code=code)


@dataclass
class FieldReader:
    """Reads typed fields out of one JSON object, recording a problem for each defect."""

    obj: dict[str, Any]
    path: str
    problems: list[Problem] = field(default_factory=list)

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, max_chars: int = MAX_SHORT_CHARS) -> str | None:
        val = self.obj.get(key)
        if val is None:
            return None
        if isinstance(val, (int, float)) and not isinstance(val, bool) and key == "version":
            self.problems.append(warn(self._p(key), "wrong-type", f"'{key}' should be a string"))
            val = str(val)
        if not isinstance(val, str):
            self.problems.append(err(self._p(key), "wrong-type", f"'{key}' must be a string"))
            return None
        cleaned, controls, truncated = clean_text(val, max_chars)
        if controls:
            self.problems.append(
                warn(self._p(key), "control-characters", f"'{key}' has control characters")
            )
        if truncated:
            self.problems.append(
                warn(self._p(key), "too-long", f"'{key}' is {len(val):,} characters; cut")
            )
        return cleaned or None

    def words(self, key: str) -> tuple[str, ...]:
        val = self.obj.get(key)
        if val is None:
            return ()
        if isinstance(val, str):
            self.problems.append(
                warn(self._p(key), "keywords-string", f"'{key}' should be an array of strings")
            )
            val = val.replace(";", ",").split(",")
        if not isinstance(val, list):
            self.problems.append(err(self._p(key), "wrong-type", f"'{key}' must be an array"))
            return ()
        out: list[str] = []
        for item in val[:100]:
            if isinstance(item, str):
                cleaned = clean_text(item, MAX_SHORT_CHARS)[0]
                if cleaned and cleaned not in out:
                    out.append(cleaned)
        if any(not isinstance(v, str) for v in val):
            self.problems.append(
                warn(self._p(key), "wrong-type", f"'{key}' has items that are not strings")
            )
        return tuple(out)

    def person(self, key: str) -> str | None:
        val = self.obj.get(key)
        if val is None:
            return None
        if isinstance(val, str):
            return clean_text(val, MAX_SHORT_CHARS)[0] or None
        if isinstance(val, dict):
            name = val.get("name")
            if isinstance(name, str) and name.strip():
                return clean_text(name, MAX_SHORT_CHARS)[0]
            self.problems.append(err(self._p(key), "missing-field", f"'{key}.name' is required"))
            return None
        self.problems.append(err(self._p(key), "wrong-type", f"'{key}' must be an object"))
        return None

    def url_or_object(self, key: str) -> str | None:
        val = self.obj.get(key)
        if isinstance(val, dict) and isinstance(val.get("url"), str):
            self.problems.append(
                warn(self._p(key), "wrong-type", f"'{key}' should be a string, not an object")
            )
            return clean_text(str(val["url"]), 500)[0]
        return self.text(key, 500)

    def boolean(self, key: str) -> bool | None:
        val = self.obj.get(key)
        if val is None or isinstance(val, bool):
            return val
        self.problems.append(err(self._p(key), "wrong-type", f"'{key}' must be true or false"))
        return None
