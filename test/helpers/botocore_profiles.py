#!/usr/bin/env python3
"""Print the profiles botocore (the AWS CLI's config reader) sees, as JSON.

Usage:
  botocore_profiles.py CONFIG CREDENTIALS
      -> {"profiles": {...}, "names": [...], "sso_sessions": {...}, "sso_names": [...]}  or  {"error": "ExceptionClass", "detail": "InnerClass"}
  botocore_profiles.py --batch < cases.json
      cases.json is a JSON list of [CONFIG, CREDENTIALS] path pairs; prints a JSON list of
      results in the same order (one Python start-up for the whole corpus).
  botocore_profiles.py --serve
      reads one JSON [CONFIG, CREDENTIALS] pair per line, answers one JSON result per line, until
      end of input (for property tests that shrink: the next case depends on the last answer).

The paths reach botocore the way the AWS CLI gets them: through AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE, then botocore.session.Session().full_config['profiles'].
--batch builds a fresh Session per case. --serve builds one Session (~6 ms each) and clears
its full_config cache (session._config) before every case, which re-runs exactly the same
load_config / raw_config_parse code on the new paths.
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


def profiles_for(config_path, credentials_path, session=None):
    os.environ["AWS_CONFIG_FILE"] = config_path
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials_path
    try:
        if session is None:
            session = botocore.session.Session()
        else:
            session._config = None  # the cache behind full_config
        profiles = session.full_config["profiles"]
        sso_sessions = session.full_config.get("sso_sessions", {})
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
        },
        # JSON objects lose key order in JavaScript (integer-like keys first): keep it here.
        "names": list(profiles),
        "sso_sessions": {
            name: {k: _jsonable(v) for k, v in values.items()}
            for name, values in sso_sessions.items()
        },
        "sso_names": list(sso_sessions),
    }


def main(argv):
    # Never let a real ~/.aws or AWS_PROFILE leak into the comparison.
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
    if len(argv) == 2 and argv[1] == "--batch":
        cases = json.load(sys.stdin)
        out = [profiles_for(c, k) for c, k in cases]
    elif len(argv) == 2 and argv[1] == "--serve":
        session = botocore.session.Session()
        for line in sys.stdin:
            config_path, credentials_path = json.loads(line)
            result = profiles_for(config_path, credentials_path, session)
            sys.stdout.write(json.dumps(result, ensure_ascii=True) + "\n")
            sys.stdout.flush()
        return 0
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
