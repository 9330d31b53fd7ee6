"""Check HTTP calls against Mattermost's official OpenAPI v4 source files, read at run time.

The files live outside the project (``<repo>/../shared/specs/mattermost/v4``, or
``$LABBOT_SPECS_DIR/mattermost/v4``): their licence (CC BY-NC-SA 3.0) forbids copying
them into the project. Each file holds ``paths`` entries; ``definitions.yaml`` holds
``components``. Upstream concatenates them as text; loading them one by one is equivalent.

Leniencies (best effort, on purpose):

- only ``required`` lists are enforced, recursively through objects, arrays' items,
  ``$ref`` and ``allOf``; ``oneOf``/``anyOf`` are not checked;
- scalar types, formats, enums and unknown fields are not checked (the spec has wrong
  scalar types, e.g. a post's ``props`` declared a string); only the top-level JSON
  body must be the declared object or array, and arrays honour ``minItems``/``maxItems``;
- a JSON body sent to an operation without ``requestBody`` is ignored (mattermostdriver
  sends ``{}`` with every GET);
- required query parameters are checked, header and cookie parameters are not;
- responses are not checked.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 10x faster


class SpecsMissingError(FileNotFoundError):
    """The Mattermost OpenAPI source files are not where they should be."""


def specs_root() -> Path:
    """The shared ``specs`` folder: ``$LABBOT_SPECS_DIR`` or ``<repo_root>/../shared/specs``."""
    env = os.environ.get("LABBOT_SPECS_DIR")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "specs"


def mattermost_v4_dir() -> Path:
    """The folder of Mattermost API v4 yaml files; raises SpecsMissingError if absent."""
    folder = specs_root() / "mattermost" / "v4"
    if not (folder / "definitions.yaml").is_file():
        raise SpecsMissingError(
            f"Mattermost OpenAPI files not found in {folder} "
            "(set LABBOT_SPECS_DIR to the folder holding mattermost/v4/*.yaml)"
        )
    return folder


@dataclass(frozen=True)
class Operation:
    """One (method, path template) of the spec."""

    method: str
    template: str
    operation_id: str
    spec: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Match:
    """An operation matched by a concrete path, with its path parameters."""

    operation: Operation
    params: dict[str, str]


class _Template:
    """A path template split in segments; a ``{name}`` segment matches any non-empty segment."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.segments = template.strip("/").split("/")
        self.names = [s[1:-1] if re.fullmatch(r"\{[^}]+\}", s) else None for s in self.segments]
        # Literal segments win over parameters, leftmost first: /users/ids beats /users/{user_id}.
        self.rank = tuple(name is None for name in self.names)

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for value, literal, name in zip(segments, self.segments, self.names, strict=True):
            if name is None:
                if value != literal:
                    return None
            elif not value:
                return None
            else:
                params[name] = value
        return params


class MattermostSpec:
    """The operations of the Mattermost v4 API, and the checks a stand-in runs on each call."""

    def __init__(self, paths: dict[str, Any], components: dict[str, Any]) -> None:
        """Build the (method, template) table from merged ``paths`` and ``components``."""
        self.components = components
        self.operations: dict[tuple[str, str], Operation] = {}
        self._templates: list[_Template] = []
        for template, item in paths.items():
            self._templates.append(_Template(template))
            for method, spec in item.items():
                if method in HTTP_METHODS:
                    op = Operation(method.upper(), template, spec.get("operationId", ""), spec)
                    self.operations[(op.method, template)] = op

    @classmethod
    def load(cls, folder: Path | None = None) -> MattermostSpec:
        """Load (once per process and folder) every yaml file of the v4 folder."""
        return _load(folder or mattermost_v4_dir())

    def match(self, method: str, path: str) -> Match | str:
        """The operation for this call, or a violation message."""
        segments = path.strip("/").split("/")
        found = [(t, p) for t in self._templates if (p := t.match(segments)) is not None]
        if not found:
            return f"{method} {path}: no such path in the Mattermost API v4 spec"
        allowed = [(t, p) for t, p in found if (method, t.template) in self.operations]
        if not allowed:
            methods = sorted({m for t, _ in found for (m, tpl) in self.operations if tpl == t.template})
            return f"{method} {path}: method not in the spec for this path (allowed: {', '.join(methods)})"
        template, params = max(allowed, key=lambda tp: tp[0].rank)
        return Match(self.operations[(method, template.template)], params)

    def check_query(self, op: Operation, query: dict[str, str]) -> list[str]:
        """Violations for required query parameters that are missing."""
        return [
            f"missing required query parameter {p['name']!r}"
            for p in op.spec.get("parameters", [])
            if p.get("in") == "query" and p.get("required") and p.get("name") not in query
        ]

    def check_body(self, op: Operation, content_type: str, body: Any, has_body: bool) -> list[str]:
        """Violations of the operation's ``requestBody`` by this body (parsed JSON or form dict)."""
        request_body = self._resolve(op.spec.get("requestBody"))
        if not request_body:
            return []
        if not has_body:
            return ["request body required but none sent"] if request_body.get("required") else []
        content = request_body.get("content", {})
        media = content_type.split(";", maxsplit=1)[0].strip().lower()
        if media not in content:
            return [f"content type {media or 'none'!r} not accepted (spec: {', '.join(content)})"]
        schema = content[media].get("schema", {})
        return self._check(schema, body, "body", top=True, depth=0)

    def _resolve(self, node: Any) -> Any:
        """Follow ``$ref`` pointers (``#/components/...``) until a plain node."""
        for _ in range(10):
            if not (isinstance(node, dict) and "$ref" in node):
                return node
            target: Any = {"components": self.components}
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        return node

    def _check(self, schema: Any, value: Any, where: str, *, top: bool, depth: int) -> list[str]:
        schema = self._resolve(schema)
        if not isinstance(schema, dict) or depth > 8:
            return []
        problems: list[str] = []
        for part in schema.get("allOf", []):
            problems += self._check(part, value, where, top=top, depth=depth + 1)
        kind = schema.get("type")
        if kind == "array" or (kind is None and "items" in schema):
            if not isinstance(value, list):
                return [*problems, f"{where}: expected a JSON array"] if top else problems
            if len(value) < schema.get("minItems", 0):
                problems.append(f"{where}: at least {schema['minItems']} items required")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                problems.append(f"{where}: at most {schema['maxItems']} items allowed")
            for i, item in enumerate(value[:50]):
                problems += self._check(schema.get("items"), item, f"{where}[{i}]", top=False, depth=depth + 1)
        elif kind == "object" or (kind is None and ("properties" in schema or "required" in schema)):
            if not isinstance(value, dict):
                return [*problems, f"{where}: expected a JSON object"] if top else problems
            problems += [
                f"{where}: missing required field {name!r}"
                for name in schema.get("required", [])
                if name not in value
            ]
            for name, sub in schema.get("properties", {}).items():
                if name in value:
                    problems += self._check(sub, value[name], f"{where}.{name}", top=False, depth=depth + 1)
        return problems


@functools.lru_cache(maxsize=4)
def _load(folder: Path) -> MattermostSpec:
    paths: dict[str, Any] = {}
    components: dict[str, Any] = {}
    for file in sorted(folder.glob("*.yaml")):
        with file.open(encoding="utf-8") as stream:
            document = yaml.load(stream, Loader=_YamlLoader)  # noqa: S506 - a safe loader
        if not isinstance(document, dict):
            continue
        if file.name == "definitions.yaml":
            components = document.get("components", {})
        elif file.name == "introduction.yaml":
            paths.update(document.get("paths") or {})
        else:
            paths.update(document)
    if not paths:
        raise SpecsMissingError(f"no API paths found in {folder}")
    return MattermostSpec(paths, components)
