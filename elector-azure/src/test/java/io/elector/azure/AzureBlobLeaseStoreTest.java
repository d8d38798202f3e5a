package io.elector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.LeaseStateType;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import io.elector.api.ElectionSettings;
import io.elector.api.InvalidSettingException;
import io.elector.api.LeaderInfo;
import io.elector.core.Elector;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store's contract on the real blob service (Azurite started by the tests). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AzureBlobLeaseStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(15);

    private String connectionString;
    private String container;
    private TestBlobs blobs;
    private final List<AzureBlobLeaseStore> stores = new ArrayList<>();

    @BeforeEach
    void setUp() {
        connectionString = AzureTestServer.connectionString();
        container = AzureTestServer.uniqueContainer();
        blobs = new TestBlobs(connectionString, container);
    }

    @AfterEach
    void tearDown() {
        stores.forEach(AzureBlobLeaseStore::close);
        if (blobs != null) { // null when setUp skipped (no Azurite)
            blobs.deleteContainer();
            blobs.close();
        }
    }

    private AzureBlobLeaseStore store() {
        AzureBlobLeaseStore s = AzureBlobLeaseStore.create(AzureStoreConfig.connectionString(connectionString)
                .withContainer(container)
                .withRequestTimeout(Duration.ofSeconds(2)));
        stores.add(s);
        return s;
    }

    private static AcquireResult acquire(AzureBlobLeaseStore s, String election, String who)
            throws LeaseStoreException {
        return s.tryAcquire(List.of(new LeaseRequest(election, who, Map.of("address", "10.0.0.1:80 é"), LEASE)))
                .get(0);
    }

    private static HeldLease held(String election, String who, long token) {
        return new HeldLease(election, who, token, LEASE);
    }

    @Test
    void acquireCreatesContainerAndBlobAndWritesTheTokenUnderTheLease() throws Exception {
        AzureBlobLeaseStore a = store();
        AzureBlobLeaseStore b = store();
        AcquireResult r = acquire(a, "e1", "c1");
        assertThat(r.acquired()).isTrue();
        assertThat(r.token()).isPositive();

        BlobProperties p = blobs.blob("e1").getProperties();
        assertThat(p.getLeaseState()).isEqualTo(LeaseStateType.LEASED);
        assertThat(p.getMetadata()).containsEntry(LeaseMetadata.TOKEN, Long.toString(r.token()));
        assertThat(p.getMetadata()).containsEntry(LeaseMetadata.HOLDER, "c1");

        AcquireResult other = acquire(b, "e1", "c2");
        assertThat(other.acquired()).isFalse();
        assertThat(other.holder().candidateId()).isEqualTo("c1");
        assertThat(other.holder().fencingToken()).isEqualTo(r.token());
        assertThat(other.holder().metadata()).containsEntry("address", "10.0.0.1:80 é");
        assertThat(b.read("e1")).map(LeaderInfo::candidateId).contains("c1");

        // Nobody without the lease can move the token.
        assertThatThrownBy(() -> blobs.blob("e1").setMetadata(Map.of(LeaseMetadata.TOKEN, "999999999999999")))
                .isInstanceOf(BlobStorageException.class)
                .satisfies(e ->
                        assertThat(((BlobStorageException) e).getStatusCode()).isEqualTo(412));
    }

    @Test
    void tokensStrictlyIncreaseAcrossReleaseReacquireExpiryAndDeletion() throws Exception {
        AzureBlobLeaseStore a = store();
        AzureBlobLeaseStore b = store();
        List<Long> tokens = new ArrayList<>();

        AcquireResult r1 = acquire(a, "e2", "c1");
        tokens.add(r1.token());
        a.release(held("e2", "c1", r1.token()));
        assertThat(a.read("e2")).isEmpty();

        AcquireResult r2 = acquire(b, "e2", "c2");
        assertThat(r2.acquired()).isTrue();
        tokens.add(r2.token());

        // The same candidate acquiring while it holds (after a lost answer or a local expiry): a new token,
        // and the old token's renew and release no longer act on the lease.
        AcquireResult r3 = acquire(b, "e2", "c2");
        assertThat(r3.acquired()).isTrue();
        tokens.add(r3.token());
        assertThat(b.renew(List.of(held("e2", "c2", r2.token())))).isEmpty();
        b.release(held("e2", "c2", r2.token()));
        assertThat(b.read("e2")).map(LeaderInfo::fencingToken).contains(r3.token());
        assertThat(b.renew(List.of(held("e2", "c2", r3.token())))).containsExactly("e2");
        // A renew whose answer was lost is simply sent again: the second one succeeds too.
        assertThat(b.renew(List.of(held("e2", "c2", r3.token())))).containsExactly("e2");

        // Expiry by the service's clock (15 s): the other candidate takes over with a greater token.
        assertThat(acquire(a, "e2", "c1").acquired()).isFalse();
        long end = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        AcquireResult r4 = acquire(a, "e2", "c1");
        for (int i = 0; i < 100 && !r4.acquired() && System.nanoTime() - end < 0; i++) {
            Thread.sleep(500);
            r4 = acquire(a, "e2", "c1");
        }
        assertThat(r4.acquired()).as("acquired after the lease expired").isTrue();
        tokens.add(r4.token());
        assertThat(b.renew(List.of(held("e2", "c2", r3.token()))))
                .as("the expired holder cannot renew once another holds it")
                .isEmpty();

        // The blob is deleted while leased (an operator breaks the lease and deletes it): the leader's
        // renewal is refused, and the next token is still greater although the counter is gone.
        new BlobLeaseClientBuilder()
                .blobClient(blobs.blob("e2"))
                .buildClient()
                .breakLeaseWithResponse(0, null, null, null);
        blobs.blob("e2").delete();
        assertThat(a.renew(List.of(held("e2", "c1", r4.token())))).isEmpty();
        AcquireResult r5 = acquire(b, "e2", "c2");
        assertThat(r5.acquired()).isTrue();
        tokens.add(r5.token());

        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void garbageMetadataIsAClearErrorAndNothingIsWrittenOverIt() throws Exception {
        blobs.container().create();
        Map<String, String> garbage = new HashMap<>();
        garbage.put(LeaseMetadata.TOKEN, "not-a-number");
        garbage.put(LeaseMetadata.HOLDER, "someone");
        garbage.put(LeaseMetadata.SINCE, "0");
        garbage.put("owner", "ops-team");
        blobs.blob("e3").upload(BinaryData.fromString("keep me"));
        blobs.blob("e3").setMetadata(garbage);
        String etag = blobs.blob("e3").getProperties().getETag();

        AzureBlobLeaseStore s = store();
        AcquireResult r = acquire(s, "e3", "c1");
        assertThat(r.acquired()).isFalse();
        // Not even a lease is taken, and nothing changed.
        BlobProperties p = blobs.blob("e3").getProperties();
        assertThat(p.getETag()).isEqualTo(etag);
        assertThat(p.getLeaseState()).isNotEqualTo(LeaseStateType.LEASED);
        assertThat(p.getMetadata()).isEqualTo(garbage);
        assertThat(blobs.blob("e3").downloadContent().toString()).isEqualTo("keep me");

        // A reader is told what is wrong, with the blob's name.
        new BlobLeaseClientBuilder().blobClient(blobs.blob("e3")).buildClient().acquireLease(15);
        assertThatThrownBy(() -> s.read("e3"))
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("e3")
                .hasMessageContaining("not written by Elector")
                .hasMessageContaining("elector_token='not-a-number'");
    }

    @Test
    void otherMetadataKeysOnTheBlobAreKept() throws Exception {
        blobs.container().create();
        blobs.blob("e4").upload(BinaryData.fromString(""));
        blobs.blob("e4").setMetadata(Map.of("owner", "ops-team"));
        AcquireResult r = acquire(store(), "e4", "c1");
        assertThat(r.acquired()).isTrue();
        assertThat(blobs.blob("e4").getProperties().getMetadata())
                .containsEntry("owner", "ops-team")
                .containsEntry(LeaseMetadata.TOKEN, Long.toString(r.token()));
    }

    @Test
    void manyProcessesStartingAtOnceCreateOneContainerAndBlobAndOneLeader() throws Exception {
        int n = 6;
        List<AzureBlobLeaseStore> ss = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ss.add(store());
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<AcquireResult>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                AzureBlobLeaseStore s = ss.get(i);
                String who = "c" + i;
                fs.add(pool.submit((Callable<AcquireResult>) () -> acquire(s, "e5", who)));
            }
            int winners = 0;
            for (Future<AcquireResult> f : fs) {
                // No attempt fails: concurrent creation of container and blob is not an error.
                winners += f.get(30, TimeUnit.SECONDS).acquired() ? 1 : 0;
            }
            assertThat(winners).isLessThanOrEqualTo(1);
            // If the race left nobody holding (each refused by a conditional write), a retry wins.
            if (winners == 0) {
                assertThat(acquire(ss.get(0), "e5", "c0").acquired()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void brokenLeaseIsNotRenewedAndNotTakenBeforeOneLeaseAfterTheLastRenewal() throws Exception {
        AzureBlobLeaseStore s = store();
        AcquireResult r = acquire(s, "e6", "c1");
        new BlobLeaseClientBuilder()
                .blobClient(blobs.blob("e6"))
                .buildClient()
                .breakLeaseWithResponse(0, null, null, null);
        long brokenAt = System.nanoTime();
        assertThat(s.renew(List.of(held("e6", "c1", r.token())))).isEmpty();
        // A lease that ended early (broken, or forgotten by a restarted Azurite) is not taken at once:
        // its holder may count on it until one lease after its last renewal.
        AzureBlobLeaseStore other = store();
        AcquireResult next = acquire(other, "e6", "c2");
        assertThat(next.acquired()).isFalse();
        assertThat(next.holder().candidateId()).isEqualTo("c1");
        long end = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        for (int i = 0; i < 100 && !next.acquired() && System.nanoTime() - end < 0; i++) {
            Thread.sleep(250);
            next = acquire(other, "e6", "c2");
        }
        assertThat(next.acquired()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - brokenAt)).isGreaterThan(LEASE.minusSeconds(1));
        assertThat(next.token()).isGreaterThan(r.token());
    }

    /**
     * Rollback-safe: nothing the blob says about its past is trusted (a service that lost writes may
     * show an old "released" mark or an old Last-Modified), so even a released blob is taken only
     * after this process saw it unleased and unchanged for the lease + 1 s.
     */
    @Test
    void rollbackSafeStoreTakesAnUnleasedBlobOnlyAfterSeeingItSoForALease() throws Exception {
        AzureBlobLeaseStore a = store();
        AcquireResult r = acquire(a, "e9", "c1");
        a.release(held("e9", "c1", r.token()));
        AzureBlobLeaseStore safe = AzureBlobLeaseStore.create(AzureStoreConfig.connectionString(connectionString)
                .withContainer(container)
                .withRequestTimeout(Duration.ofSeconds(2))
                .withRollbackSafe(true));
        stores.add(safe);
        long firstSeen = System.nanoTime();
        AcquireResult next = acquire(safe, "e9", "c2");
        assertThat(next.acquired()).as("released, but not trusted").isFalse();
        long end = firstSeen + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < 100 && !next.acquired() && System.nanoTime() - end < 0; i++) {
            Thread.sleep(1000);
            next = acquire(safe, "e9", "c2");
        }
        assertThat(next.acquired()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - firstSeen)).isGreaterThanOrEqualTo(LEASE.plusSeconds(1));
        assertThat(next.token()).isGreaterThan(r.token());
        // A default store would have taken it at once: the released mark is trusted there.
        safe.release(held("e9", "c2", next.token()));
        assertThat(acquire(a, "e9", "c1").acquired()).isTrue();
    }

    @Test
    void leaseOutsideFifteenToSixtySecondsIsRefusedWithAClearMessage() {
        for (Duration bad : List.of(Duration.ofSeconds(5), Duration.ofSeconds(61), Duration.ofMillis(15_500))) {
            assertThatThrownBy(() -> AzureBlobLeaseStore.leaseSeconds(bad))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("15 to 60 whole seconds")
                    .hasMessageContaining(bad.toString());
        }
        assertThat(AzureBlobLeaseStore.leaseSeconds(Duration.ofSeconds(60))).isEqualTo(60);
        AzureBackend backend = AzureBackend.create(
                AzureStoreConfig.connectionString(connectionString).withContainer(container));
        try (Elector elector = Elector.builder(backend)
                .candidateId("c1")
                .closeBackendOnClose(true)
                .build()) {
            assertThatThrownBy(() -> elector.join("e7", ElectionSettings.defaults()))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("15 to 60 whole seconds");
            assertThat(elector.join("e7", AzureBackend.defaultSettings())).isNotNull();
        }
    }

    @Test
    void configIsValidatedAndNeverShowsSecrets() {
        assertThatThrownBy(() ->
                        AzureStoreConfig.connectionString(connectionString).withContainer("Bad_Name"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("container name");
        assertThatThrownBy(() -> AzureStoreConfig.sasToken("ftp://x", "sig=1"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("endpoint");
        AzureStoreConfig c = AzureStoreConfig.accountKey("https://acct.blob.core.windows.net", "acct", "c2VjcmV0");
        assertThat(c.toString()).doesNotContain("c2VjcmV0").contains("account key");
        assertThat(AzureStoreConfig.connectionString(connectionString).toString())
                .doesNotContain(AzuriteProcess.KEY);
        assertThatThrownBy(() -> AzureBlobLeaseStore.create(AzureStoreConfig.connectionString("nonsense;Foo=bar")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("connection string");
    }

    @Test
    void unreachableServiceIsNoAnswerWithinTheTimeout() throws Exception {
        int port = AzuriteProcess.freePort(); // nothing listens there
        AzureBlobLeaseStore s = AzureBlobLeaseStore.create(
                AzureStoreConfig.connectionString(AzureTestServer.viaPort(connectionString, port))
                        .withContainer(container)
                        .withRequestTimeout(Duration.ofMillis(500)));
        stores.add(s);
        long t0 = System.nanoTime();
        assertThatThrownBy(s::ping)
                .isInstanceOf(LeaseStoreException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(AzuriteProcess.KEY));
        assertThatThrownBy(() -> acquire(s, "e8", "c1")).isInstanceOf(LeaseStoreException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> s.read("e8")).isInstanceOf(LeaseStoreException.class);
    }
}
