#!/usr/bin/env python3
"""Validates results documents against schemas/results.schema.json (JSON Schema draft 2020-12).

Usage: validate_results.py SCHEMA DOC.json [DOC.json ...]   exit 0 valid, 1 invalid (one line per error), 77 skipped.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_results: SKIP: python3-jsonschema not installed", file=sys.stderr)
    sys.exit(77)

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    doc = json.load(open(path, encoding="utf-8"))
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(document)"
        print(f"{path}: {where}: {err.message[:200]}", file=sys.stderr)
        bad += 1
    # The schema must be able to fail: a document with an unknown kind is rejected.
    if validator.is_valid(dict(doc, kind="weather")):
        print(f"{path}: schema accepted kind 'weather'", file=sys.stderr)
        bad += 1
print(f"validate_results: {len(sys.argv) - 2} documents, {bad} errors")
sys.exit(1 if bad else 0)
