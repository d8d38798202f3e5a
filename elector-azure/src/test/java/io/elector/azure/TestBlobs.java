package io.elector.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Direct access to the test blob service (no proxy), for setting up and checking blob state. */
final class TestBlobs implements AutoCloseable {
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-blobs");
        t.setDaemon(true);
        return t;
    });
    private final BlobContainerClient container;

    TestBlobs(String connectionString, String container) {
        this.container = AzureBlobLeaseStore.serviceClient(
                        AzureStoreConfig.connectionString(connectionString).withRequestTimeout(Duration.ofSeconds(10)),
                        threads)
                .getBlobContainerClient(container);
    }

    BlobContainerClient container() {
        return container;
    }

    BlobClient blob(String name) {
        return container.getBlobClient(name);
    }

    void deleteContainer() {
        try {
            container.deleteIfExists();
        } catch (RuntimeException e) {
            // a test container on a test server; best effort
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
