#!/usr/bin/env python3
"""What botocore (the AWS CLI's reader and credential chain) makes of a config view, as JSON.

Usage:
  config_view_botocore.py --serve
      one JSON request per line on stdin, one JSON answer per line on stdout:
      {"op": "split", "values": [str, ...]}
          -> [argv | null, ...]: botocore.compat.compat_shell_split of each value (null: ValueError)
      {"op": "files", "pairs": [[CONFIG, CREDENTIALS], ...]}
          -> [{"config": full_config} | {"error": "Class"}, ...]: Session().full_config with the
             files given through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
      {"op": "resolve", "config": CONFIG, "credentials": CREDENTIALS, "profiles": [name, ...]}
          -> {name: {"method": str | null, "argv": [...] | null} | {"error": "Class"}}:
             the credential provider botocore's chain picks for Session(profile=name).
             credential_process is not run: its command line is split as botocore splits it
             (compat_shell_split) and returned as argv. Nothing here makes a network call
             (role, SSO and web-identity credentials are deferred until first used).
      {"op": "own", "config": CONFIG, "credentials": CREDENTIALS}
          -> {"defaults": [key, ...], "own": {profile: [key, ...]}} | {"error": "Class"}: the keys
             configparser reads in each file's [DEFAULT] and in each profile's own sections (the
             config file's sections named as botocore.configloader.build_profile_map names them),
             before [DEFAULT] is merged in: which settings a profile inherits
  config_view_botocore.py --reference-cases DIR
      prints the config/credentials texts of the cases in DIR/cases/*.py (read as data)

Nested values come back as {"nested": {...}}, as in botocore_profiles.py.
"""
import base64
import configparser
import importlib
import json
import os
import sys
import tempfile

import botocore.credentials
import botocore.session
from botocore.compat import compat_shell_split
from botocore.configloader import build_profile_map

_captured = []


def _fake_process(self, credential_process):
    _captured.append(compat_shell_split(credential_process))
    return {'access_key': 'AKIDPROCESS', 'secret_key': 'process', 'token': None,
            'expiry_time': None, 'account_id': None}


botocore.credentials.ProcessProvider._retrieve_credentials_using = _fake_process


def _jsonable(value):
    if isinstance(value, dict):
        return {"nested": {str(k): _jsonable(v) for k, v in value.items()}}
    return value


def _point_at(config, credentials):
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials


_session = None


def _fresh_session(config, credentials):
    """One Session for every request (a new one costs ~5 ms), its caches of the files cleared."""
    global _session
    _point_at(config, credentials)
    if _session is None:
        _session = botocore.session.Session()
    _session._config = None  # full_config
    _session._profile_map = None
    return _session


def full_config(config, credentials):
    try:
        loaded = _fresh_session(config, credentials).full_config
    except Exception as e:  # noqa: BLE001 - the caller compares classes
        return {"error": type(e).__name__}
    out = {}
    for top, sections in loaded.items():
        if isinstance(sections, dict) and top in ("profiles", "sso_sessions", "services"):
            out[top] = {name: {k: _jsonable(v) for k, v in values.items()} for name, values in sections.items()}
            out[top + "_order"] = list(sections)
        else:
            out.setdefault("other", {})[top] = {k: _jsonable(v) for k, v in sections.items()}
    return {"config": out}


def resolve(config, credentials, profiles):
    answers = {}
    session = _fresh_session(config, credentials)
    for name in profiles:
        del _captured[:]
        try:
            # What Session(profile=name) does, without a new Session (~5 ms) per profile: the
            # profile as an instance variable, and the per-profile caches and resolver anew.
            session._session_instance_vars["profile"] = name
            session._profile = None
            session._credentials = None
            session._register_credential_provider()
            creds = session.get_credentials()
        except Exception as e:  # noqa: BLE001
            answers[name] = {"error": type(e).__name__}
            continue
        finally:
            session._session_instance_vars.pop("profile", None)
            session._profile = None
        method = None if creds is None else creds.method
        argv = _captured[-1] if method == "custom-process" and _captured else None
        answers[name] = {"method": method, "argv": argv}
    return answers


def own_keys(config, credentials):
    defaults, own = set(), {}
    for path, is_config in ((config, True), (credentials, False)):
        if not os.path.isfile(path):
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read([path])
        except Exception as e:  # noqa: BLE001 - the caller compares classes
            return {"error": type(e).__name__}
        defaults.update(parser.defaults().keys())
        sections = {name: dict.fromkeys(parser._sections[name]) for name in parser.sections()}
        profiles = build_profile_map(sections).get("profiles", {}) if is_config else sections
        for name, values in profiles.items():
            own.setdefault(name, set()).update(values)
    return {"defaults": sorted(defaults), "own": {name: sorted(keys) for name, keys in own.items()}}


def split(values):
    out = []
    for value in values:
        try:
            out.append(compat_shell_split(value))
        except ValueError:
            out.append(None)
    return out


def reference_cases(root):
    sys.path.insert(0, root)
    fixtures = os.path.join(root, "fixtures")
    cases = []
    for module in ("botocore_cases", "aws_vault_cases", "aws_sdk_js_v3_cases"):
        for case in importlib.import_module("cases." + module).CASES:
            entry = {"id": case["id"]}
            for key in ("config", "credentials"):
                text = case.get(key)
                if text is None:
                    continue
                if not isinstance(text, str):  # a Fixture: the file itself, bytes as they are
                    with open(os.path.join(fixtures, text.path), "rb") as f:
                        entry[key + "_b64"] = base64.b64encode(f.read()).decode("ascii")
                else:
                    entry[key] = text.replace("{CASE_DIR}", "/nonexistent-case-dir")
            cases.append(entry)
    return cases


def _isolate():
    """No real ~/.aws, ~/.boto, SSO cache, instance metadata or container endpoint."""
    for var in list(os.environ):
        if var.startswith("AWS_") or var.startswith("BOTO"):
            del os.environ[var]
    os.environ["HOME"] = tempfile.mkdtemp(prefix="config-view-home-")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    # credential_source = Environment takes these; a profile named explicitly never uses them
    # otherwise (botocore drops the environment provider when Session(profile=...) is given).
    os.environ["AWS_ACCESS_KEY_ID"] = "AKIDENVIRONMENT"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "environment"


def main(argv):
    if len(argv) == 3 and argv[1] == "--reference-cases":
        json.dump(reference_cases(argv[2]), sys.stdout)
        return 0
    if len(argv) != 2 or argv[1] != "--serve":
        sys.stderr.write(__doc__)
        return 64
    _isolate()
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "split":
            answer = split(request["values"])
        elif op == "files":
            answer = [full_config(c, k) for c, k in request["pairs"]]
        elif op == "own":
            answer = own_keys(request["config"], request["credentials"])
        elif op == "resolve":
            answer = resolve(request["config"], request["credentials"], request["profiles"])
        else:
            answer = {"error": "unknown op " + op}
        sys.stdout.write(json.dumps(answer, ensure_ascii=True) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
