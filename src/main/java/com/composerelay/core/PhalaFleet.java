package com.composerelay.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Phala's calls about a fleet of CVMs, for the relay's rollout tasks: an app's CVMs, its revisions,
 * a CVM's redeploy of a revision, and the status of many CVMs in one call. One attempt per call:
 * {@code Relay.call(deadline, (key, timeout) -> fleet.x(…, key, timeout))} adds the key and its
 * refresh, the retries, the deadline. What the relay reads is in {@link PhalaAnswer#values()}
 * under the names below, bounded and with the API key taken out; an error's {@code detail} and
 * {@code detail.details} are read as for every other call ({@link PhalaProvisioning#DETAIL_PREFIX}).
 *
 * <p><b>Which id names a CVM.</b> The relay addresses every CVM of a fleet by its {@code vm_uuid}:
 * the PATCH, the redeploy and the CVM read take it as their {@code cvm_id} (Phala accepts a UUID
 * there, with or without dashes, in every API version), {@code POST /status/batch} and the revisions
 * are keyed by it, and it is in both shapes of {@code GET /apps/{app_id}/cvms} ({@code vm_uuid}, or
 * {@code hosted.id} in the older {@code HostedCvm} shape). The other ids do not serve: {@code app_…}
 * names the app, not one of its replicas; a name need not be unique; the {@code id} is an integer
 * (not accepted as a {@code cvm_id}) before API {@code 2026-05-22}. The {@code cvm_<hashid>} id, when
 * Phala gives one, is kept beside it ({@link #ID}) for people to read.
 *
 * <p><b>Per-CVM values</b> are named {@code <vm_uuid>.<name>} ({@link #key}); a vm_uuid read from
 * an answer is used only when it is 1–128 of {@code A-Z a-z 0-9 _ -} (so never holds {@code .} or
 * {@code ,}), else the answer has a {@link #PROBLEM}. Lists are joined by {@code ,} ({@link #list}).
 */
public interface PhalaFleet {
    /** The most CVMs one rollout touches, and the most one status batch asks about. */
    int MAX_CVMS = 100;
    /** The largest page of revisions the relay asks for. */
    int MAX_PAGE_SIZE = 100;

    // Values of several calls.
    /**
     * Present when a successful answer cannot be used as a whole (not the JSON expected, an entry
     * without a usable vm_uuid or revision id, too many CVMs): why, in words. The caller refuses it.
     */
    String PROBLEM = "problem";
    /** How many entries the answer held (CVMs listed; revisions on the page; vm_uuids answered in a batch). */
    String COUNT = "count";

    // appCvms
    /** The app's CVMs by vm_uuid, in Phala's order, joined by {@code ,}; absent with a {@link #PROBLEM}. */
    String CVMS = "cvms";
    /** {@code "true"} when the app has more than {@link #MAX_CVMS} CVMs ({@link #CVMS} is then absent). */
    String TOO_MANY = "too_many";
    /** Per CVM of appCvms: Phala's {@code id} ({@code cvm_<hashid>} from API 2026-05-22), when given. */
    String ID = "id";
    /** Per CVM of appCvms: its name. */
    String NAME = "name";
    /** Per CVM of appCvms and statusBatch: Phala's {@code status} ({@code running}, {@code updating}, …). */
    String STATUS = "status";
    /** Per CVM of appCvms and statusBatch: {@code "true"} or {@code "false"}. */
    String IN_PROGRESS = "in_progress";

    // revisions
    /** The vm_uuids that have a revision on this page, in order of their first revision, joined by {@code ,}. */
    String VM_UUIDS = "vm_uuids";
    /** Per vm_uuid of a revisions page: the id of its newest revision on the page. */
    String REVISION_ID = "revision_id";
    /** Per vm_uuid of a revisions page: that revision's {@code compose_hash}, as Phala wrote it. */
    String COMPOSE_HASH = "compose_hash";
    /** Per vm_uuid of a revisions page: that revision's {@code created_at}, as Phala wrote it. */
    String CREATED_AT = "created_at";
    /** Of a revisions page: Phala's {@code total_pages}, {@code page} and {@code total}, as decimal text. */
    String TOTAL_PAGES = "total_pages";
    String PAGE = "page";
    String TOTAL = "total";

    // statusBatch
    /** Per vm_uuid of a batch: Phala's {@code boot_error}, absent when null or blank. */
    String BOOT_ERROR = "boot_error";
    /** Per vm_uuid of a batch: Phala's {@code boot_progress}, absent when null or blank. */
    String BOOT_PROGRESS = "boot_progress";
    /** The vm_uuids asked for that the answer did not give a status for, joined by {@code ,}; absent when none. */
    String MISSING = "missing";

    /**
     * {@code GET /api/v1/apps/{app_id}/cvms}: the app's CVMs. Values: {@link #CVMS}, {@link #COUNT},
     * {@link #TOO_MANY} (only when true), per CVM {@link #ID}, {@link #NAME}, {@link #STATUS},
     * {@link #IN_PROGRESS}; {@link #PROBLEM} when the list cannot be used.
     *
     * @param appId the app's hex id; an {@code app_} prefix is taken off (the path takes the bare hex)
     */
    PhalaAnswer appCvms(String appId, String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /**
     * {@code GET /api/v1/apps/{app_id}/revisions?page=&page_size=}: one page of the app's revisions.
     * Values: per vm_uuid on the page its newest revision there ({@link #REVISION_ID},
     * {@link #COMPOSE_HASH}, {@link #CREATED_AT}: the latest {@code created_at}; when a time cannot
     * be read, the first in Phala's order), {@link #VM_UUIDS}, {@link #COUNT}, {@link #PAGE},
     * {@link #TOTAL_PAGES}, {@link #TOTAL}; {@link #PROBLEM} when the page cannot be used.
     *
     * @param page 1 or more
     * @param pageSize 1 to {@link #MAX_PAGE_SIZE}
     */
    PhalaAnswer revisions(String appId, int page, int pageSize, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /**
     * {@code POST /api/v1/cvms/{cvm_id}/revisions/{revision_id}/redeploy}, without a body (the
     * operation takes none): switches the CVM back to the revision, env included. 202 means
     * initiated; 404 the CVM or the revision is not there; 409 another operation is in progress
     * (retried by {@code Relay}); 465 the revision's compose hash must be registered on chain first.
     * No values on success.
     */
    PhalaAnswer redeploy(String cvmId, String revisionId, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /**
     * {@code POST /api/v1/status/batch} {@code {"vm_uuids": […]}}. Values, for the vm_uuids asked
     * for only (named as asked): {@link #STATUS}, {@link #IN_PROGRESS}, {@link #BOOT_ERROR},
     * {@link #BOOT_PROGRESS}; {@link #COUNT} of those answered, {@link #MISSING};
     * {@link #PROBLEM} when the answer cannot be read. It carries no compose hash: that is the CVM read's.
     *
     * @param vmUuids 1 to {@link #MAX_CVMS} distinct vm_uuids, each 1–128 of {@code A-Z a-z 0-9 _ -}
     */
    PhalaAnswer statusBatch(List<String> vmUuids, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    // composeFile
    /** The app compose the CVM runs: Phala's JSON object, written again as JSON (at most {@link #MAX_APP_COMPOSE_CHARS}). */
    String APP_COMPOSE = "app_compose";
    /** The longest app compose read: a compose file and pre-launch script at Phala's 200 KB bound, as JSON. */
    int MAX_APP_COMPOSE_CHARS = 256 * 1024;

    /**
     * {@code GET /api/v1/cvms/{cvm_id}/compose_file}: the app compose the CVM runs (its
     * {@code docker_compose_file} and the other app-compose fields). Values: {@link #APP_COMPOSE};
     * {@link #PROBLEM} when the answer is not a JSON object with a {@code docker_compose_file}
     * string, or longer than {@link #MAX_APP_COMPOSE_CHARS}.
     */
    PhalaAnswer composeFile(String cvmId, String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /**
     * {@code GET /api/v1/apps/{app_id}/revisions/{revision_id}}: one revision with its compose file.
     * Values: {@link #APP_COMPOSE} (its {@code compose_file}: an object, or a string holding one, as
     * Phala's schema allows both), {@link #COMPOSE_HASH}; {@link #PROBLEM} when the compose file
     * cannot be used as an app compose.
     */
    PhalaAnswer revision(String appId, String revisionId, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /** The name of a per-CVM value: {@code <vm_uuid>.<name>}. */
    static String key(String vmUuid, String name) {
        return vmUuid + "." + name;
    }

    /** A list value read back: the items, none for null or empty. */
    static List<String> list(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.copyOf(Arrays.asList(joined.split(",", -1)));
    }
}
