"""Provisions a compose update and commits it with Phala's own Python SDK (phala-cloud 0.1.3, or 0.2.0: the same
calls in both), the way its documentation pairs the two calls. PhalaClientsRecordingTest runs it against a stand-in
for Phala, PhalaClientsE2E through the relay.

    provision_commit.py CVM_ID COMPOSE_FILE [--name N] [--allowed-env K]... [--update-env-vars]
                        [--encrypted-env HEX] [--env-key K]...

Base URL and key come from PHALA_CLOUD_API_PREFIX and PHALA_CLOUD_API_KEY, as the SDK reads them. Prints one
JSON document on stdout: {"provision": {...}, "commit": ...} and exits 0, or, when the SDK raises,
{"step": "provision"|"commit", "error": {"type", "status_code", "message", "detail", "request_id"}} and exits 1.
"""

import argparse
import json
import sys

from phala_cloud import PhalaCloud, PhalaCloudError


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("cvm_id")
    parser.add_argument("compose_file")
    parser.add_argument("--name")
    parser.add_argument("--allowed-env", action="append", dest="allowed_envs")
    parser.add_argument("--update-env-vars", action="store_true")
    parser.add_argument("--encrypted-env")
    parser.add_argument("--env-key", action="append", dest="env_keys")
    args = parser.parse_args()

    with open(args.compose_file, encoding="utf-8") as f:
        app_compose = {"docker_compose_file": f.read()}
    if args.name is not None:
        app_compose["name"] = args.name
    if args.allowed_envs:
        app_compose["allowed_envs"] = args.allowed_envs

    provision_request = {"cvm_id": args.cvm_id, "app_compose": app_compose}
    if args.update_env_vars:
        provision_request["update_env_vars"] = True

    with PhalaCloud() as client:
        step = "provision"
        try:
            provision = client.provision_cvm_compose_file_update(provision_request)
            step = "commit"
            commit_request = {"cvm_id": args.cvm_id, "compose_hash": provision.compose_hash}
            if args.encrypted_env is not None:
                commit_request["encrypted_env"] = args.encrypted_env
            if args.env_keys:
                commit_request["env_keys"] = args.env_keys
            if args.update_env_vars:
                commit_request["update_env_vars"] = True
            commit = client.commit_cvm_compose_file_update(commit_request)
        except PhalaCloudError as error:
            print(json.dumps({"step": step, "error": {
                "type": type(error).__name__,
                "status_code": getattr(error, "status_code", None),
                "message": str(error),
                "detail": getattr(error, "detail", None),
                "request_id": getattr(error, "request_id", None),
            }}))
            return 1

    print(json.dumps({
        "provision": provision.model_dump(mode="json"),
        "commit": commit.model_dump(mode="json") if hasattr(commit, "model_dump") else commit,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
