"""Slack Web API method declarations, read from the official OpenAPI (Swagger 2.0) spec.

The spec is never copied into the project: it is read at runtime from the shared specs folder
(see :func:`slack_specs_dir`). Read ``SOURCE.md`` next to it for its known gaps; the ones that
matter here are handled as follows:

- the spec is frozen at October 2020, so the two external-upload methods used by
  ``files_upload_v2`` are absent: :data:`SUPPLEMENT` declares them;
- the HTTP verb is ignored (the spec says GET for ``views.*``, slack_sdk sends POST);
- the ``in`` of a parameter is ignored (slack_sdk sends the same parameter in the query string,
  a form body or a JSON body depending on the method);
- ``Authorization: Bearer …`` satisfies the ``token`` parameter wherever the spec puts it.

Parameter types are not checked: the spec's types are loose (``ts`` declared as ``number``,
booleans sent as ``"1"``) and checking them would mostly flag the spec, not the caller.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_FILE = "slack_web_openapi_v2.json"
SPECS_DIR_ENV = "LABBOT_SPECS_DIR"
TOKEN = "token"
# Accepted by every method although the 2020 spec never lists it: slack_sdk adds the workspace's team_id to
# each call of a client that knows it (Bolt's per-request clients do), for org-wide (Enterprise Grid) apps.
UNIVERSAL_PARAMS = frozenset({"team_id"})

# Declarations of methods newer than the spec, from https://api.slack.com/methods/<name>.
# Only used for methods the spec lacks, so a newer spec would take precedence.
# name -> {parameter: required}
SUPPLEMENT: Mapping[str, Mapping[str, bool]] = {
    # Step 1 of files_upload_v2: reserve a file id and get an upload URL.
    "files.getUploadURLExternal": {
        TOKEN: True,
        "filename": True,
        "length": True,
        "alt_txt": False,
        "snippet_type": False,
    },
    # Socket Mode: a websocket URL for the app-level token (xapp-…), which goes in the Bearer header.
    "apps.connections.open": {TOKEN: True},
    # Step 3 of files_upload_v2: finish the upload and share the files.
    "files.completeUploadExternal": {
        TOKEN: True,
        "files": True,
        "channel_id": False,
        "channels": False,
        "initial_comment": False,
        "thread_ts": False,
    },
}


class SpecNotFoundError(FileNotFoundError):
    """The Slack spec file is not where :func:`slack_specs_dir` says it should be."""


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """What a Web API method accepts: its parameters and which of them are required."""

    name: str
    params: Mapping[str, bool]  # parameter name -> required
    from_supplement: bool = False

    @property
    def takes_token(self) -> bool:
        """Whether the method authenticates with a token (all but ``api.test`` and ``oauth.*``)."""
        return TOKEN in self.params

    @property
    def requires_token(self) -> bool:
        """Whether the spec marks the token as required."""
        return self.params.get(TOKEN, False)


def repo_root(start: Path | None = None) -> Path:
    """Return the nearest folder, from ``start`` upwards, that holds ``pyproject.toml``."""
    here = (start or Path(__file__)).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError(f"no pyproject.toml above {here}")


def slack_specs_dir() -> Path:
    """Return the folder holding the Slack specs.

    ``$LABBOT_SPECS_DIR/slack`` when the variable is set (it points at the ``specs`` folder),
    else ``<repo root>/../shared/specs/slack``.
    """
    specs = os.environ.get(SPECS_DIR_ENV)
    base = Path(specs) if specs else repo_root().parent / "shared" / "specs"
    return base / "slack"


def spec_path() -> Path:
    """Return the path of the Slack Web API spec file (it may not exist)."""
    return slack_specs_dir() / SPEC_FILE


class SlackWebSpec:
    """The set of Web API methods, and the checks a call must pass against them."""

    def __init__(self, methods: Mapping[str, MethodSpec]) -> None:
        """Build from already parsed declarations; use :meth:`load` to read the spec file."""
        self._methods = dict(methods)

    @classmethod
    def load(cls, path: Path | None = None) -> SlackWebSpec:
        """Read the spec (default :func:`spec_path`), add :data:`SUPPLEMENT`; cached per path."""
        return _load_cached((path or spec_path()).resolve())

    def method(self, name: str) -> MethodSpec | None:
        """Return the declaration of ``name``, or None when the method does not exist."""
        return self._methods.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __len__(self) -> int:
        return len(self._methods)

    def check(self, name: str, params: Mapping[str, Any], *, has_bearer: bool) -> list[str]:
        """Return what is wrong with a call to ``name`` with ``params`` (empty when it is valid).

        ``has_bearer`` tells whether an ``Authorization: Bearer`` header came with the call:
        it stands for the ``token`` parameter.
        """
        method = self._methods.get(name)
        if method is None:
            return [f"unknown method {name!r}"]
        problems = [
            f"parameter {p!r} is not declared for {name}"
            for p in params
            if p not in method.params and p not in UNIVERSAL_PARAMS
        ]
        supplied = params.keys() | ({TOKEN} if has_bearer else set())
        missing = [p for p, required in method.params.items() if required and p not in supplied]
        problems += [f"required parameter {p!r} of {name} is missing" for p in missing]
        return problems


@functools.cache
def _load_cached(path: Path) -> SlackWebSpec:
    if not path.is_file():
        raise SpecNotFoundError(f"Slack Web API spec not found at {path} (set ${SPECS_DIR_ENV})")
    document = json.loads(path.read_text(encoding="utf-8"))
    methods = dict(_parse_paths(document["paths"]))
    for name, params in SUPPLEMENT.items():
        methods.setdefault(name, MethodSpec(name, params, from_supplement=True))
    return SlackWebSpec(methods)


def _parse_paths(paths: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, MethodSpec]]:
    """Turn Swagger ``paths`` (``/chat.postMessage`` -> verb -> operation) into declarations."""
    parsed = []
    for path, operations in paths.items():
        name = path.removeprefix("/")
        params: dict[str, bool] = {}
        # Each path has a single verb in practice; merge them all in case a spec adds more.
        for operation in operations.values():
            for param in operation.get("parameters", []):
                params[param["name"]] = params.get(param["name"], False) or bool(param.get("required"))
        parsed.append((name, MethodSpec(name, params)))
    return parsed
