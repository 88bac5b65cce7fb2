#!/usr/bin/env python3
"""Print the profiles botocore (the AWS CLI's config reader) sees, as JSON.

Usage:
  botocore_profiles.py CONFIG CREDENTIALS
      -> {"profiles": {...}}  or  {"error": "ExceptionClass", "detail": "InnerClass"}
  botocore_profiles.py --batch < cases.json
      cases.json is a JSON list of [CONFIG, CREDENTIALS] path pairs; prints a JSON list of
      results in the same order (one Python start-up for the whole corpus).

The paths reach botocore the way the AWS CLI gets them: through AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE, then botocore.session.Session().full_config['profiles'].
Nested values (an option whose value starts with a newline, e.g. "s3 =\\n  a = b") come back
from botocore as dicts; they are printed as {"nested": {...}} so the TypeScript side can tell
them apart from strings.
"""
import json
import os
import sys

import botocore.session


def _jsonable(value):
    if isinstance(value, dict):
        return {"nested": {str(k): _jsonable(v) for k, v in value.items()}}
    return value


def profiles_for(config_path, credentials_path):
    os.environ["AWS_CONFIG_FILE"] = config_path
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials_path
    try:
        session = botocore.session.Session()
        profiles = session.full_config["profiles"]
    except Exception as e:  # noqa: BLE001 - we report the class, the caller compares
        result = {"error": type(e).__name__}
        inner = getattr(e, "kwargs", {}).get("error")
        if inner is not None:
            result["detail"] = type(inner).__name__
        return result
    return {
        "profiles": {
            name: {k: _jsonable(v) for k, v in values.items()}
            for name, values in profiles.items()
        }
    }


def main(argv):
    # Never let a real ~/.aws or AWS_PROFILE leak into the comparison.
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
    if len(argv) == 2 and argv[1] == "--batch":
        cases = json.load(sys.stdin)
        out = [profiles_for(c, k) for c, k in cases]
    elif len(argv) == 3:
        out = profiles_for(argv[1], argv[2])
    else:
        sys.stderr.write(__doc__)
        return 64
    json.dump(out, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
