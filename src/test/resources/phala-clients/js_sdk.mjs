// Drives Phala's own JS SDK (@phala/cloud 0.2.9), unmodified, the way its README uses it: createClient() reads
// PHALA_CLOUD_API_PREFIX and PHALA_CLOUD_API_KEY, then one action per command. PhalaClientsE2E runs it through the relay.
//
//   node js_sdk.mjs SDK_DIR status-batch VM_UUID [VM_UUID ...]
//   node js_sdk.mjs SDK_DIR provision-commit CVM_ID COMPOSE_FILE
//   node js_sdk.mjs SDK_DIR watch CVM_ID TARGET [MAX_RETRIES]
//
// SDK_DIR is the package directory (scripts/phala-clients.sh's phala_js=); its dist/index.mjs is imported.
// Prints one JSON document on stdout and exits 0:
//   status-batch      {"status_batch": <getCvmStatusBatch's record>}
//   provision-commit  {"provision": <provisionCvmComposeFileUpdate's result>, "commit": <commitCvmComposeFileUpdate's, null for undefined>}
//   watch             {"watch": <watchCvmState's result>, "events": [<each onEvent {type, data}>]}
// or, when the SDK throws, {"step", "error": {"type", "name", "status", "message", "detail"}, "events"?} and exits 1.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [sdkDir, command, ...args] = process.argv.slice(2);
const sdk = await import(pathToFileURL(join(sdkDir, "dist", "index.mjs")).href);
const client = sdk.createClient();

function failed(step, error, extra = {}) {
  process.stdout.write(JSON.stringify({
    step,
    error: {
      type: error?.constructor?.name ?? typeof error,
      name: error?.name ?? null,
      status: error?.status ?? null,
      message: error?.message ?? String(error),
      detail: error?.detail ?? null,
    },
    ...extra,
  }) + "\n");
  process.exit(1);
}

function printed(result) {
  process.stdout.write(JSON.stringify(result, (key, value) => (value === undefined ? null : value)) + "\n");
}

switch (command) {
  case "status-batch": {
    let statuses;
    try {
      statuses = await sdk.getCvmStatusBatch(client, { vmUuids: args });
    } catch (error) {
      failed("status_batch", error);
    }
    printed({ status_batch: statuses });
    break;
  }
  case "provision-commit": {
    const [cvmId, composeFile] = args;
    const app_compose = { docker_compose_file: readFileSync(composeFile, "utf8") };
    let step = "provision";
    let provision;
    let commit;
    try {
      provision = await sdk.provisionCvmComposeFileUpdate(client, { id: cvmId, app_compose });
      step = "commit";
      commit = await sdk.commitCvmComposeFileUpdate(client, { id: cvmId, compose_hash: provision.compose_hash });
    } catch (error) {
      failed(step, error);
    }
    printed({ provision, commit: commit ?? null });
    break;
  }
  case "watch": {
    const [cvmId, target, maxRetries] = args;
    const events = [];
    const request = { id: cvmId, target };
    if (maxRetries !== undefined) {
      request.maxRetries = Number(maxRetries);
    }
    let result;
    try {
      result = await sdk.watchCvmState(client, request, { onEvent: (event) => events.push(event) });
    } catch (error) {
      failed("watch", error, { events });
    }
    printed({ watch: result, events });
    break;
  }
  default:
    process.stderr.write(`usage: js_sdk.mjs SDK_DIR status-batch|provision-commit|watch ...; not ${command}\n`);
    process.exit(2);
}
