"""Is one OpenAPI document compatible with another? The project may add, never remove or change."""

import copy

OPERATION_KEYS = ("operationId", "summary", "description", "security")
SCHEMA_KEYS = ("type", "format", "enum", "example")


def incompatibilities(contract: dict, ours: dict) -> list[str]:
    """Everything in ``contract`` that ``ours`` lacks or describes differently."""
    problems: list[str] = []
    for path, item in contract.get("paths", {}).items():
        for method, operation in item.items():
            mine = ours.get("paths", {}).get(path, {}).get(method)
            where = f"{method.upper()} {path}"
            if mine is None:
                problems.append(f"{where}: missing")
                continue
            problems += _operation(operation, mine, where, contract, ours)
    components = contract.get("components", {})
    for name, scheme in components.get("securitySchemes", {}).items():
        if ours.get("components", {}).get("securitySchemes", {}).get(name) != scheme:
            problems.append(f"securitySchemes.{name}: missing or different")
    for name, schema in components.get("schemas", {}).items():
        theirs = ours.get("components", {}).get("schemas", {}).get(name)
        if theirs is None:
            problems.append(f"schemas.{name}: missing")
        else:
            problems += _schema(schema, theirs, f"schemas.{name}", contract, ours)
    return problems


def _operation(operation: dict, mine: dict, where: str, cdoc: dict, odoc: dict) -> list[str]:
    problems = [
        f"{where}: {key} differs"
        for key in OPERATION_KEYS
        if key in operation and operation[key] != mine.get(key)
    ]
    if not set(operation.get("tags", [])) <= set(mine.get("tags", [])):
        problems.append(f"{where}: tags differ")
    for status, response in operation.get("responses", {}).items():
        my_response = mine.get("responses", {}).get(status)
        if my_response is None:
            problems.append(f"{where} {status}: missing")
            continue
        for media, content in response.get("content", {}).items():
            my_content = my_response.get("content", {}).get(media)
            if my_content is None:
                problems.append(f"{where} {status} {media}: missing")
            else:
                here = f"{where} {status} {media}"
                problems += _schema(content["schema"], my_content["schema"], here, cdoc, odoc)
    return problems


def _schema(theirs: dict, mine: dict, where: str, cdoc: dict, odoc: dict) -> list[str]:
    if "$ref" in theirs and "$ref" in mine and theirs["$ref"] != mine["$ref"]:
        return [f"{where}: refers to {mine['$ref']}, not {theirs['$ref']}"]
    theirs, mine = _resolve(theirs, cdoc), _resolve(mine, odoc)
    problems = [
        f"{where}: {key} is {mine.get(key)!r}, not {theirs[key]!r}"
        for key in SCHEMA_KEYS
        if key in theirs and theirs[key] != mine.get(key)
    ]
    if missing := set(theirs.get("required", [])) - set(mine.get("required", [])):
        problems.append(f"{where}: no longer requires {sorted(missing)}")
    if theirs.get("additionalProperties", True) is not False and not mine.get(
        "additionalProperties", True
    ):
        problems.append(f"{where}: forbids additional properties")
    for name, prop in theirs.get("properties", {}).items():
        if name not in mine.get("properties", {}):
            problems.append(f"{where}.{name}: missing")
        else:
            problems += _schema(prop, mine["properties"][name], f"{where}.{name}", cdoc, odoc)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in theirs:
            if len(theirs[key]) != len(mine.get(key, [])):
                problems.append(f"{where}: {key} differs")
                continue
            for i, (a, b) in enumerate(zip(theirs[key], mine[key], strict=True)):
                problems += _schema(a, b, f"{where}.{key}[{i}]", cdoc, odoc)
    if "items" in theirs:
        problems += _schema(theirs["items"], mine.get("items", {}), f"{where}[]", cdoc, odoc)
    return problems


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def mutated(document: dict, change) -> dict:
    """A deep copy of the document with ``change`` applied to it."""
    copied = copy.deepcopy(document)
    change(copied)
    return copied
