package io.elector.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.api.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdUrisTest {

    @Test
    void uriGivesEndpointsRootTtlAndTimeout() {
        EtcdConfig c =
                EtcdBackend.config(URI.create("etcd://10.0.0.1:2379,10.0.0.2:2379/apps/elector?ttl=5s&timeout=500ms"));
        assertThat(c.endpoints()).isEqualTo(List.of("10.0.0.1:2379", "10.0.0.2:2379"));
        assertThat(c.root()).isEqualTo("/apps/elector");
        assertThat(c.ttl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.operationTimeout()).isEqualTo(Duration.ofMillis(500));

        EtcdConfig d = EtcdBackend.config(URI.create("etcd://127.0.0.1:2379"));
        assertThat(d.root()).isEqualTo("/elector");
        assertThat(d.ttl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(d.operationTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.endpointList()).isEqualTo("127.0.0.1:2379");
    }

    @Test
    void badUrisAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("redis://127.0.0.1:2379")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("etcd://");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd:///elector")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("servers");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1:2379/x?bogus=1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1:2379?ttl=1500ms")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("ttl")
                .hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1:2379?ttl=soon")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1:2379?timeout=10ms")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("operationTimeout");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://127.0.0.1:99999")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> EtcdBackend.config(URI.create("etcd://u:secret@127.0.0.1:2379")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> EtcdConfig.of("127.0.0.1:2379").withRoot("relative"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("root");
    }

    @Test
    void valuesRoundTripAndForeignValuesAreIgnored() {
        var now = java.time.Instant.ofEpochMilli(1_700_000_000_000L);
        byte[] v = CandidateValue.encode("node-1", java.util.Map.of("address", "127.0.0.1:80", "k&=", "v\n"), now);
        var info = CandidateValue.decode("e", v, 42).orElseThrow();
        assertThat(info.candidateId()).isEqualTo("node-1");
        assertThat(info.fencingToken()).isEqualTo(42);
        assertThat(info.metadata()).containsEntry("address", "127.0.0.1:80").containsEntry("k&=", "v\n");
        assertThat(info.since()).isEqualTo(now);
        assertThat(CandidateValue.decode("e", "hello".getBytes(), 1)).isEmpty();
        assertThat(CandidateValue.decode("e", "elector1\nx\nnot-a-number\n".getBytes(), 1))
                .isEmpty();
        assertThat(CandidateValue.decode("e", "elector1\nx\n1\nnopair".getBytes(), 1))
                .isEmpty();
        assertThat(CandidateValue.decode("e", null, 1)).isEmpty();
    }
}
