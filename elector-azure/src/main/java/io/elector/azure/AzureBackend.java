package io.elector.azure;

import io.elector.api.ElectionSettings;
import io.elector.api.LeaderInfo;
import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import io.elector.spi.CandidateEvents;
import io.elector.spi.CandidateSession;
import io.elector.spi.JoinRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import io.elector.spi.ObserveRequest;
import io.elector.spi.ObserverEvents;
import io.elector.spi.ObserverSession;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Entry points for the Azure Blob lease backend.
 *
 * <pre>{@code
 * Backend backend = AzureBackend.create(AzureStoreConfig.connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING")));
 * try (Elector elector = Elector.builder(backend).candidateId("node-1")
 *         .settings(AzureBackend.defaultSettings()).build()) { ... }
 * }</pre>
 *
 * <p>Azure leases last 15 to 60 whole seconds: joining with any other lease duration throws {@link
 * io.elector.api.InvalidSettingException} at once.
 */
public final class AzureBackend implements Backend {
    /** The default lease: 15 s, Azure's shortest. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);

    private final Backend backend;
    private final AzureBlobLeaseStore store;

    private AzureBackend(AzureBlobLeaseStore store, LeaseStore engineStore) {
        this.store = store;
        this.backend = LeaseBackend.of(engineStore);
    }

    /**
     * Settings for Azure: lease 15 s, renew every 5 s (lease / 3), retry (follower poll) every 500
     * ms, drift bound 1%. A crashed leader is replaced after at most about lease + retry.
     */
    public static ElectionSettings defaultSettings() {
        return new ElectionSettings(
                DEFAULT_LEASE,
                DEFAULT_LEASE.dividedBy(3),
                ElectionSettings.DEFAULT_RETRY,
                ElectionSettings.DEFAULT_DRIFT);
    }

    /** A backend for a config; connects on first use. Closing it closes its store. */
    public static AzureBackend create(AzureStoreConfig config) {
        AzureBlobLeaseStore store = AzureBlobLeaseStore.create(config);
        return new AzureBackend(store, store);
    }

    /**
     * A backend for an {@code azblob:} URI ({@link AzureUris}), with secrets from the environment.
     *
     * @throws io.elector.api.InvalidSettingException naming what is wrong (never a secret)
     */
    public static AzureBackend create(String uri) {
        return create(AzureUris.parse(uri, System.getenv()));
    }

    /**
     * A backend over {@code store} as wrapped by {@code decorator} (metrics, fault injection); the
     * lease range is still checked at join. Closing the backend closes the decorated store.
     */
    public static AzureBackend create(AzureBlobLeaseStore store, UnaryOperator<LeaseStore> decorator) {
        return new AzureBackend(store, decorator.apply(store));
    }

    /**
     * As {@link #create(AzureStoreConfig)}, but first checks within the request timeout that the
     * service answers and accepts the credentials.
     *
     * @throws LeaseStoreException naming the address (never a key) and what went wrong
     */
    public static AzureBackend createVerified(AzureStoreConfig config) throws LeaseStoreException {
        AzureBlobLeaseStore store = AzureBlobLeaseStore.create(config);
        try {
            store.ping();
        } catch (LeaseStoreException | RuntimeException e) {
            store.close();
            throw e;
        }
        return new AzureBackend(store, store);
    }

    /** The store behind this backend. */
    public AzureBlobLeaseStore store() {
        return store;
    }

    @Override
    public String kind() {
        return backend.kind();
    }

    @Override
    public CandidateSession join(JoinRequest request, CandidateEvents events) {
        AzureBlobLeaseStore.leaseSeconds(request.settings().leaseDuration());
        return backend.join(request, new CandidateEvents() {
            @Override
            public void elected(long token, long deadlineNanos) {
                // Name this candidate as leader before reporting the election, so that
                // Election.leader() already agrees when isLeader() turns true.
                events.leaderObserved(new LeaderInfo(
                        request.election(),
                        request.candidateId(),
                        token,
                        request.metadata(),
                        request.runtime().time().wallTime()));
                events.elected(token, deadlineNanos);
            }

            @Override
            public void renewed(long token, long deadlineNanos) {
                events.renewed(token, deadlineNanos);
            }

            @Override
            public void lost(long token, String cause) {
                events.lost(token, cause);
            }

            @Override
            public void leaderObserved(LeaderInfo leader) {
                events.leaderObserved(leader);
            }
        });
    }

    @Override
    public ObserverSession observe(ObserveRequest request, ObserverEvents events) {
        return backend.observe(request, events);
    }

    @Override
    public void close() {
        backend.close();
    }
}
