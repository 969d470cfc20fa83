"""Postprocessing of the OpenAPI schema: what every API operation shares, written once.

Views raise DRF's errors (or Http404, PermissionDenied) in the same few ways everywhere, so the
schema documents them here instead of on each operation: 400 for input that does not validate,
401 without login, 403 without the right, 404 for what does not exist or belongs to another
municipality, 409 when a write lost a race (optimistic locking). An operation's own description
of a status code wins. Path parameters get the pattern of their URL converter, so that a client
(and the API fuzz test) knows that `-1` or `ä` never reaches a view.
"""

from __future__ import annotations

import re

from django.urls.converters import get_converters

ERROR_SCHEMA = {
    "description": "`detail` with a German message, per field a list of messages, or a list.",
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "detail": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"type": "string"}},
                    ]
                }
            },
            "additionalProperties": True,
        },
        {"type": "array", "items": {"type": "string"}},
    ],
}
ERRORS = {
    "400": "Die Eingabe ist ungültig.",
    "401": "Nicht angemeldet.",
    "403": "Keine Berechtigung.",
    "404": "Nicht gefunden (oder nicht sichtbar für diese Person).",
}
WRITE_ERRORS = {"409": "Zwischenzeitlich von jemand anderem geändert."}
WRITES = {"post", "put", "patch", "delete"}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the common error answers and path patterns."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    patterns = _path_patterns(generator)
    for path, operations in result.get("paths", {}).items():
        # Errors come in JSON, or in the JSON flavour the client asked for (?format=geojson):
        # every operation of a path has the same renderers.
        media_types = {"application/json"} | {
            media_type
            for operation in operations.values()
            if isinstance(operation, dict)
            for status, response in operation.get("responses", {}).items()
            if status.startswith("2")
            for media_type in response.get("content", {})
            if media_type.endswith("json")
        }
        reference = {
            media_type: {"schema": {"$ref": "#/components/schemas/Error"}}
            for media_type in sorted(media_types)
        }
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = {**ERRORS, **(WRITE_ERRORS if method in WRITES else {})}
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": reference}
                )
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    _restrict(parameter, patterns.get(path, {}))
    return result


def _path_patterns(generator) -> dict[str, dict[str, str]]:
    """Schema path -> {parameter: regex of its URL converter}, from the URL routes."""
    converters = get_converters()
    found: dict[str, dict[str, str]] = {}
    for path, route, _method, _callback in generator.endpoints or ():
        groups = {
            name: converters[converter or "str"].regex
            for converter, name in _CONVERTER.findall(route)
        }
        if "pk" in groups:  # drf-spectacular names primary keys id in the schema
            groups.setdefault("id", groups["pk"])
        for key in (path, path.replace("{pk}", "{id}")):
            found.setdefault(key, {}).update(groups)
    return found


def _restrict(parameter: dict, groups: dict[str, str]) -> None:
    regex = groups.get(parameter["name"])
    schema = parameter.setdefault("schema", {})
    if regex is None:
        return
    if schema.get("type") == "integer":
        if regex == "[0-9]+":
            schema.setdefault("minimum", 0)
    elif schema.get("type", "string") == "string" and "enum" not in schema:
        schema.setdefault("pattern", f"^{regex}$")
