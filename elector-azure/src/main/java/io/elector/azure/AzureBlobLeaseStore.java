package io.elector.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobLeaseRequestConditions;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.options.BlobAcquireLeaseOptions;
import com.azure.storage.blob.options.BlobChangeLeaseOptions;
import com.azure.storage.blob.options.BlobContainerCreateOptions;
import com.azure.storage.blob.options.BlobReleaseLeaseOptions;
import com.azure.storage.blob.options.BlobRenewLeaseOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.elector.api.InvalidSettingException;
import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaseStore} on Azure Blob Storage: one blob per election in one container, the
 * leadership is the blob's lease, the fencing token lives in the blob's metadata.
 *
 * <p><b>Lease.</b> Azure leases last 15 to 60 whole seconds; the election's lease duration must be
 * one of those ({@link #leaseSeconds(Duration)}). The lease id is derived from election, candidate
 * and token ({@link #leaseId}), so a renew or release for token T acts only on the leadership with
 * token T. Expiry is judged by the storage service's clock; the core's lease engine computes the
 * local deadline from the send time of the last successful acquire or renew.
 *
 * <p><b>Token.</b> On every acquire the store reads the blob (ETag E, token T), takes the lease with
 * {@code If-Match: E}, and writes token T' with {@code If-Match} on the ETag the lease answer
 * returned, under the new lease; the token is reported only after that write succeeded. So no
 * token is computed from a stale read, whether or not the service changes the ETag on a lease. {@code T' = max(T + 1, S * 1000)} where S is the service's time in seconds
 * (its {@code Date} header), and {@code (S + 1) * 1000} for a blob without Elector metadata (new or
 * re-created after a deletion), so tokens keep increasing across a deletion of the blob (see the
 * README for the assumptions). Metadata that does not parse is never written over: the election
 * stays blocked with a clear error until someone fixes or removes the blob.
 *
 * <p><b>Failure.</b> One HTTP try per call (the engine retries), bounded by the request timeout;
 * every other error becomes a {@link LeaseStoreException}.
 */
public final class AzureBlobLeaseStore implements LeaseStore {
    private static final Logger log = LoggerFactory.getLogger(AzureBlobLeaseStore.class);
    static final int MIN_LEASE_SECONDS = 15;
    static final int MAX_LEASE_SECONDS = 60;

    private final AzureStoreConfig config;
    private final ExecutorService httpThreads;
    private final BlobContainerClient container;
    private final String address;
    private final Set<String> reportedGarbage = ConcurrentHashMap.newKeySet();
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    private final UnleasedWatch unleased = new UnleasedWatch();
    private volatile boolean containerReady;
    private volatile boolean closed;

    private AzureBlobLeaseStore(AzureStoreConfig config) {
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.httpThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "elector-azure-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        BlobServiceClient service;
        try {
            service = serviceClient(config, httpThreads);
        } catch (RuntimeException e) {
            httpThreads.shutdownNow();
            throw e;
        }
        this.container = service.getBlobContainerClient(config.container());
        this.address = AzureStoreConfig.stripQuery(service.getAccountUrl()) + "/" + config.container();
    }

    /**
     * A blob service client for {@code config} on the JDK HTTP client, one HTTP try per call.
     *
     * @throws InvalidSettingException if the SDK refuses the connection string or endpoint
     */
    static BlobServiceClient serviceClient(AzureStoreConfig config, ExecutorService httpThreads) {
        Duration timeout = config.requestTimeout();
        BlobServiceClientBuilder b = new BlobServiceClientBuilder()
                .httpClient(new JdkHttpClient(timeout, timeout, httpThreads))
                // One try: the lease engine retries on its own schedule; a late retry of a renewal is useless.
                .retryOptions(new RequestRetryOptions(
                        RetryPolicyType.FIXED,
                        1,
                        timeout.plusSeconds(1),
                        Duration.ofMillis(1),
                        Duration.ofMillis(1),
                        null));
        try {
            if (config.connectionString() != null) {
                b.connectionString(config.connectionString());
            } else {
                b.endpoint(config.endpoint());
                if (config.key() != null) {
                    b.credential(config.key());
                } else if (config.sas() != null) {
                    b.sasToken(config.sas());
                } else {
                    b.credential(config.token());
                }
            }
            return b.buildClient();
        } catch (RuntimeException e) {
            // The SDK's messages on a bad connection string do not repeat the secret.
            throw new InvalidSettingException("azure " + config.credentialKind() + " rejected: " + e.getMessage());
        }
    }

    /** A store for {@code config}. Does not connect yet: the first call does. */
    public static AzureBlobLeaseStore create(AzureStoreConfig config) {
        return new AzureBlobLeaseStore(config);
    }

    public AzureStoreConfig config() {
        return config;
    }

    /** The container URL, without credentials. */
    public String address() {
        return address;
    }

    @Override
    public String kind() {
        return "azure-blob";
    }

    /**
     * The whole number of seconds of an Azure lease for {@code lease}.
     *
     * @throws InvalidSettingException unless it is 15 to 60 whole seconds
     */
    public static int leaseSeconds(Duration lease) {
        long s = lease.getSeconds();
        if (lease.getNano() != 0 || s < MIN_LEASE_SECONDS || s > MAX_LEASE_SECONDS) {
            throw new InvalidSettingException("Azure Blob leases last 15 to 60 whole seconds, so leaseDuration must"
                    + " be one of those (--lease 15s on the command line; AzureBackend.defaultSettings() in code): "
                    + lease);
        }
        return (int) s;
    }

    /** The blob name of an election. */
    String blobName(String election) {
        return config.blobPrefix() + election;
    }

    BlobClient blob(String election) {
        return container.getBlobClient(blobName(election));
    }

    /** The lease id for a leadership: a name-based UUID of election, candidate and token. */
    static String leaseId(String election, String candidateId, long token) {
        return UUID.nameUUIDFromBytes(("elector-lease|" + election + "|" + candidateId + "|" + token)
                        .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    // ---- acquire ----

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        List<AcquireResult> out = new ArrayList<>(requests.size());
        for (LeaseRequest r : requests) {
            out.add(acquireOne(r));
        }
        return out;
    }

    private AcquireResult acquireOne(LeaseRequest r) throws LeaseStoreException {
        String election = r.election();
        int seconds;
        try {
            seconds = leaseSeconds(r.ttl());
        } catch (InvalidSettingException e) {
            if (reportedGarbage.add("ttl|" + election)) {
                log.error("azure election {}: {}", election, e.getMessage());
            }
            return AcquireResult.heldBy(election, null);
        }
        BlobClient blob = blob(election);
        Snapshot s = readOrCreate(blob, election);
        if (s.state instanceof LeaseMetadata.Garbage g) {
            reportGarbage(election, g);
            return AcquireResult.heldBy(election, null);
        }
        reportedGarbage.remove(election);
        LeaseMetadata.Valid prev = s.state instanceof LeaseMetadata.Valid v ? v : null;
        boolean mine = prev != null && prev.holder().equals(r.candidateId());
        if (s.leased) {
            unleased.leased(election);
        }
        if (s.leased && !mine) {
            return AcquireResult.heldBy(election, prev == null ? null : prev.info(election));
        }
        if (!s.leased && config.rollbackSafe()) {
            int wait = Math.max(seconds, prev == null ? 0 : prev.leaseSeconds()) + 1;
            long maxGap = Duration.ofSeconds(seconds).toNanos() / 3;
            String etag = s.etag == null ? "" : s.etag;
            if (!unleased.unleased(
                    election, etag, System.nanoTime(), Duration.ofSeconds(wait).toNanos(), maxGap)) {
                // A rollback may have taken a live lease (and its token write) with it: see UnleasedWatch.
                return AcquireResult.heldBy(election, prev == null || mine ? null : prev.info(election));
            }
        } else if (!s.leased
                && prev != null
                && !prev.released()
                && s.serverSeconds < s.lastModifiedSeconds + prev.leaseSeconds() + 1) {
            // Not leased, yet its holder renewed (rewrote the metadata) less than one lease ago and did
            // not release it: the service forgot a live lease (Azurite forgets leases on restart; an
            // operator broke it). The holder may still count on it until its deadline: wait.
            log.debug(
                    "azure election {}: lease gone {} s after the last renewal; waiting one lease",
                    election,
                    s.serverSeconds - s.lastModifiedSeconds);
            return AcquireResult.heldBy(election, prev.info(election));
        }
        long token = prev == null ? (s.serverSeconds + 1) * 1000 : Math.max(prev.token() + 1, s.serverSeconds * 1000);
        // Held by this candidate already (an acquire after a lost answer or a local expiry): extend
        // it under its current id, then move it to the new token's id.
        String heldId =
                s.leased ? leaseId(election, r.candidateId(), prev.token()) : leaseId(election, r.candidateId(), token);
        BlobLeaseClient lease = leaseClient(blob, heldId);
        String etag;
        try {
            // Conditional on the ETag read above: the token computed from that read is still the latest.
            Response<String> acquired = lease.acquireLeaseWithResponse(
                    new BlobAcquireLeaseOptions(seconds)
                            .setRequestConditions(new BlobLeaseRequestConditions().setIfMatch(s.etag)),
                    null,
                    Context.NONE);
            String after = acquired.getHeaders().getValue(HttpHeaderName.ETAG);
            etag = after == null ? s.etag : after;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412 || e.getStatusCode() == 404) {
                // Taken by someone else since the read (or gone): not ours.
                return AcquireResult.heldBy(election, prev == null || mine ? null : prev.info(election));
            }
            throw failure("acquire lease on " + election, e);
        } catch (RuntimeException e) {
            throw failure("acquire lease on " + election, e);
        }
        long since = s.serverSeconds * 1000;
        Map<String, String> metadata =
                LeaseMetadata.encode(s.raw, token, r.candidateId(), since, r.metadata(), seconds);
        try {
            blob.setMetadataWithResponse(
                    metadata, new BlobRequestConditions().setIfMatch(etag).setLeaseId(heldId), null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 412 || e.getStatusCode() == 409 || e.getStatusCode() == 404) {
                // The blob changed between the read and the lease (another leadership came and went),
                // or the lease was broken: no token from a stale read. Give the lease back.
                log.debug("azure election {}: token write refused ({}), releasing", election, e.getErrorCode());
                releaseQuietly(blob, heldId);
                return AcquireResult.heldBy(election, null);
            }
            releaseQuietly(blob, heldId);
            throw failure("write token of " + election, e);
        } catch (RuntimeException e) {
            // The write may have happened: keep the lease (it expires); the next acquire re-reads.
            throw failure("write token of " + election, e);
        }
        String newId = leaseId(election, r.candidateId(), token);
        if (!newId.equals(heldId)) {
            try {
                leaseClient(blob, heldId)
                        .changeLeaseWithResponse(new BlobChangeLeaseOptions(newId), null, Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 409 || e.getStatusCode() == 412 || e.getStatusCode() == 404) {
                    return AcquireResult.heldBy(election, null);
                }
                releaseQuietly(blob, heldId);
                throw failure("change lease of " + election, e);
            } catch (RuntimeException e) {
                throw failure("change lease of " + election, e);
            }
        }
        written.put(election, new Written(token, metadata));
        unleased.taken(election);
        return AcquireResult.acquired(election, token);
    }

    /** One read of a blob: its lease state, ETag, metadata and the service's time. */
    private record Snapshot(
            boolean leased,
            String etag,
            Map<String, String> raw,
            LeaseMetadata.State state,
            long serverSeconds,
            long lastModifiedSeconds) {}

    /** The metadata this store wrote for a leadership it holds (rewritten on every renewal). */
    private record Written(long token, Map<String, String> metadata) {}

    private Snapshot readOrCreate(BlobClient blob, String election) throws LeaseStoreException {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Snapshot> s = read(blob, election);
            if (s.isPresent()) {
                return s.get();
            }
            createBlob(blob, election);
        }
        throw new LeaseStoreException(
                "azure blob " + blobName(election) + " in " + address + " disappeared three times while being created");
    }

    private Optional<Snapshot> read(BlobClient blob, String election) throws LeaseStoreException {
        Response<BlobProperties> resp;
        try {
            resp = blob.getPropertiesWithResponse(null, null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                    containerReady = false;
                }
                return Optional.empty();
            }
            throw failure("read " + election, e);
        } catch (RuntimeException e) {
            throw failure("read " + election, e);
        }
        BlobProperties p = resp.getValue();
        long serverSeconds = serverSeconds(resp, p);
        Map<String, String> raw = p.getMetadata() == null ? Map.of() : p.getMetadata();
        return Optional.of(new Snapshot(
                LeaseStateType.LEASED.equals(p.getLeaseState()),
                p.getETag(),
                raw,
                LeaseMetadata.parse(raw),
                serverSeconds,
                p.getLastModified() == null
                        ? serverSeconds
                        : p.getLastModified().toEpochSecond()));
    }

    private static long serverSeconds(Response<BlobProperties> resp, BlobProperties p) {
        String date = resp.getHeaders().getValue(HttpHeaderName.DATE);
        if (date != null) {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toEpochSecond();
            } catch (RuntimeException e) {
                // fall through
            }
        }
        long modified = p.getLastModified() == null ? 0 : p.getLastModified().toEpochSecond();
        return Math.max(modified, System.currentTimeMillis() / 1000);
    }

    private void createBlob(BlobClient blob, String election) throws LeaseStoreException {
        ensureContainer();
        try {
            blob.getBlockBlobClient()
                    .uploadWithResponse(
                            new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                            null,
                            Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                return; // created by another process at the same time
            }
            if (e.getStatusCode() == 404) {
                containerReady = false;
                return; // container gone again: the next round re-creates it
            }
            throw failure("create blob for " + election, e);
        } catch (RuntimeException e) {
            throw failure("create blob for " + election, e);
        }
    }

    private void ensureContainer() throws LeaseStoreException {
        if (containerReady) {
            return;
        }
        try {
            container.createIfNotExistsWithResponse(new BlobContainerCreateOptions(), null, Context.NONE);
            containerReady = true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409 && BlobErrorCode.CONTAINER_ALREADY_EXISTS.equals(e.getErrorCode())) {
                containerReady = true;
                return;
            }
            throw failure("create container", e);
        } catch (RuntimeException e) {
            throw failure("create container", e);
        }
    }

    private void reportGarbage(String election, LeaseMetadata.Garbage g) {
        if (reportedGarbage.add(election)) {
            log.error(
                    "azure blob {} in {} holds metadata not written by Elector ({}); the election stays blocked and"
                            + " nothing is written over it until the blob is fixed or removed",
                    blobName(election),
                    address,
                    g.problem());
        }
    }

    // ---- renew, release, read ----

    /**
     * Renews each lease, then rewrites its metadata under the lease, so that the blob's Last-Modified
     * time (the service's clock) records the last renewal: an acquirer that finds the lease gone
     * earlier than one lease after it waits (see {@link #tryAcquire}).
     */
    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        Set<String> renewed = new HashSet<>();
        for (HeldLease l : leases) {
            BlobClient blob = blob(l.election());
            String id = leaseId(l.election(), l.candidateId(), l.token());
            try {
                leaseClient(blob, id).renewLeaseWithResponse(new BlobRenewLeaseOptions(), null, Context.NONE);
                blob.setMetadataWithResponse(
                        writtenMetadata(blob, l), new BlobRequestConditions().setLeaseId(id), null, Context.NONE);
                renewed.add(l.election());
            } catch (BlobStorageException e) {
                // 409: another lease id (or none); 404: blob or container deleted; 412: conditions.
                if (e.getStatusCode() != 409 && e.getStatusCode() != 404 && e.getStatusCode() != 412) {
                    throw failure("renew " + l.election(), e);
                }
                written.remove(l.election(), written.get(l.election()));
                log.debug("azure renew of {} token {} refused: {}", l.election(), l.token(), e.getErrorCode());
            } catch (RuntimeException e) {
                throw failure("renew " + l.election(), e);
            }
        }
        return renewed;
    }

    /** The metadata of a held leadership: as this store wrote it, else as the blob has it now. */
    private Map<String, String> writtenMetadata(BlobClient blob, HeldLease l) {
        Written w = written.get(l.election());
        if (w != null && w.token() == l.token()) {
            return w.metadata();
        }
        Map<String, String> now = blob.getProperties().getMetadata();
        return now == null ? Map.of() : now;
    }

    /** Marks the metadata released (so the next candidate need not wait), then releases the lease. */
    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        BlobClient blob = blob(lease.election());
        String id = leaseId(lease.election(), lease.candidateId(), lease.token());
        try {
            blob.setMetadataWithResponse(
                    LeaseMetadata.released(writtenMetadata(blob, lease)),
                    new BlobRequestConditions().setLeaseId(id),
                    null,
                    Context.NONE);
            leaseClient(blob, id).releaseLeaseWithResponse(new BlobReleaseLeaseOptions(), null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 404 && e.getStatusCode() != 412) {
                throw failure("release " + lease.election(), e);
            }
        } catch (RuntimeException e) {
            throw failure("release " + lease.election(), e);
        } finally {
            Written w = written.get(lease.election());
            if (w != null && w.token() == lease.token()) {
                written.remove(lease.election(), w);
            }
        }
    }

    private void releaseQuietly(BlobClient blob, String id) {
        try {
            leaseClient(blob, id).releaseLeaseWithResponse(new BlobReleaseLeaseOptions(), null, Context.NONE);
        } catch (RuntimeException e) {
            log.debug("azure release after a refused token write failed (the lease expires): {}", e.toString());
        }
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        Optional<Snapshot> s = read(blob(election), election);
        if (s.isEmpty() || !s.get().leased) {
            return Optional.empty();
        }
        LeaseMetadata.State st = s.get().state;
        if (st instanceof LeaseMetadata.Garbage g) {
            throw new LeaseStoreException("azure blob " + blobName(election) + " in " + address
                    + " holds metadata not written by Elector (" + g.problem() + "); fix or remove the blob");
        }
        // Leased but no metadata yet: a new holder between its lease and its token write.
        return st instanceof LeaseMetadata.Valid v ? Optional.of(v.info(election)) : Optional.empty();
    }

    /**
     * Checks within the request timeout that the service answers and accepts the credentials (reads
     * the container; a missing container is fine, it is created on first use).
     *
     * @throws LeaseStoreException naming the address and the problem (never a key)
     */
    public void ping() throws LeaseStoreException {
        try {
            container.existsWithResponse(null, Context.NONE);
        } catch (RuntimeException e) {
            throw failure("reach", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        httpThreads.shutdownNow();
    }

    private static BlobLeaseClient leaseClient(BlobClient blob, String id) {
        return new BlobLeaseClientBuilder().blobClient(blob).leaseId(id).buildClient();
    }

    private LeaseStoreException failure(String op, RuntimeException e) {
        String msg;
        if (e instanceof BlobStorageException b) {
            msg = "HTTP " + b.getStatusCode() + (b.getErrorCode() == null ? "" : " " + b.getErrorCode());
        } else {
            msg = null;
            Throwable root = e;
            for (int i = 0; i < 20 && root != null; i++) {
                if (msg == null && root instanceof java.net.ConnectException) {
                    msg = "connection refused";
                } else if (msg == null && root instanceof java.net.http.HttpTimeoutException) {
                    msg = root.getMessage();
                } else if (msg == null && root instanceof java.net.UnknownHostException) {
                    msg = "unknown host " + root.getMessage();
                }
                if (root.getCause() == null || root.getCause() == root) {
                    break;
                }
                root = root.getCause();
            }
            if (msg == null) {
                msg = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
            }
        }
        return new LeaseStoreException("azure " + op + " at " + address + " failed: " + msg, e);
    }
}
