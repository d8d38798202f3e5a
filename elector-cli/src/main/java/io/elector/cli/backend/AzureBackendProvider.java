package io.elector.cli.backend;

import io.elector.azure.AzureBackend;
import io.elector.azure.AzureBlobLeaseStore;
import io.elector.azure.AzureStoreConfig;
import io.elector.azure.AzureUris;
import io.elector.spi.Backend;
import io.elector.spi.LeaseStoreException;
import java.util.Set;

/**
 * {@code azblob:} URIs: the Azure Blob lease store (see elector-azure's README). {@code
 * azblob:///CONTAINER} with {@code AZURE_STORAGE_CONNECTION_STRING}, or {@code
 * azblob://ACCOUNT.blob.core.windows.net/CONTAINER} with {@code AZURE_STORAGE_KEY} or {@code
 * AZURE_STORAGE_SAS_TOKEN}. Checks that the service answers and accepts the credential before
 * returning. Azure leases last 15-60 s: run with {@code --lease 15s} (or up to 60s).
 */
public final class AzureBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("azblob");
    }

    @Override
    public String example() {
        return "azblob:///CONTAINER (with AZURE_STORAGE_CONNECTION_STRING; --lease 15s)";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        AzureStoreConfig config;
        AzureBlobLeaseStore store;
        try {
            config = AzureUris.parse(uri.raw(), System.getenv());
            store = AzureBlobLeaseStore.create(config);
        } catch (IllegalArgumentException e) {
            throw new BackendConfigException(BackendUri.redact(String.valueOf(e.getMessage())), e);
        }
        // Retried within the connect timeout: a cold JVM's first request can take a while.
        long end = System.nanoTime() + options.connectTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                store.ping();
                break;
            } catch (LeaseStoreException | RuntimeException e) {
                if (System.nanoTime() - end >= 0 || attempt >= 100) {
                    store.close();
                    throw new BackendConfigException(
                            "cannot reach Azure Blob Storage at " + store.address() + " (" + config.credentialKind()
                                    + "): " + BackendUri.redact(String.valueOf(e.getMessage())),
                            e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    store.close();
                    throw new BackendConfigException("interrupted while connecting");
                }
            }
        }
        return AzureBackend.create(store, options.storeDecorator());
    }
}
