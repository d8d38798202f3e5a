package io.elector.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A separate etcd client for tests: reads what the candidates left in etcd, revokes leases. */
final class EtcdKeys implements AutoCloseable {
    private final Client client;

    EtcdKeys(String endpoint) {
        this.client = Client.builder().endpoints("http://" + endpoint).build();
    }

    /** The keys under {@code root/election/}. */
    GetResponse keys(String root, String election) throws Exception {
        ByteSequence prefix = ByteSequence.from(root + "/" + election + "/", StandardCharsets.UTF_8);
        return client.getKVClient()
                .get(prefix, GetOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS);
    }

    int count(String root, String election) throws Exception {
        return keys(root, election).getKvs().size();
    }

    /** Revokes a lease as an operator would: its keys are deleted at once. */
    void revoke(long leaseId) throws Exception {
        client.getLeaseClient().revoke(leaseId).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
