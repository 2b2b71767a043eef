"""Reads several CVMs' status with Phala's own Python SDK (phala-cloud 0.2.0): get_cvm_status_batch.

    status_batch.py VM_UUID [VM_UUID ...]

Base URL and key come from PHALA_CLOUD_API_PREFIX and PHALA_CLOUD_API_KEY, as the SDK reads them. Prints one
JSON document on stdout: {"status_batch": {vm_uuid: CvmStatus as JSON}} and exits 0, or, when the SDK raises,
{"step": "status_batch", "error": {"type", "status_code", "message", "detail", "request_id"}} and exits 1.
"""

import json
import sys

from phala_cloud import PhalaCloud, PhalaCloudError


def main() -> int:
    vm_uuids = sys.argv[1:]
    if not vm_uuids:
        print("usage: status_batch.py VM_UUID [VM_UUID ...]", file=sys.stderr)
        return 2
    with PhalaCloud() as client:
        try:
            statuses = client.get_cvm_status_batch({"vm_uuids": vm_uuids})
        except PhalaCloudError as error:
            print(json.dumps({"step": "status_batch", "error": {
                "type": type(error).__name__,
                "status_code": getattr(error, "status_code", None),
                "message": str(error),
                "detail": getattr(error, "detail", None),
                "request_id": getattr(error, "request_id", None),
            }}))
            return 1
    print(json.dumps({"status_batch": {k: v.model_dump(mode="json") for k, v in statuses.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
