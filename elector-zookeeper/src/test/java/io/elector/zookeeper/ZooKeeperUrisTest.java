package io.elector.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.api.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ZooKeeperUrisTest {

    @Test
    void uriGivesServersRootAndTimeouts() {
        ZooKeeperConfig c = ZooKeeperBackend.config(URI.create(
                "zookeeper://10.0.0.1:2181,10.0.0.2:2181/apps/elector?sessionTimeout=6s&connectionTimeout=500ms"));
        assertThat(c.connectString()).isEqualTo("10.0.0.1:2181,10.0.0.2:2181");
        assertThat(c.root()).isEqualTo("/apps/elector");
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofMillis(500));

        ZooKeeperConfig d = ZooKeeperBackend.config(URI.create("zookeeper://127.0.0.1:2181"));
        assertThat(d.root()).isEqualTo("/elector");
        assertThat(d.sessionTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void badUrisAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("redis://127.0.0.1:2181")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("zookeeper://");
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("zookeeper://127.0.0.1:2181/x?bogus=1")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("zookeeper://127.0.0.1:2181?sessionTimeout=100ms")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("zookeeper://127.0.0.1:2181?sessionTimeout=soon")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("zookeeper://u:p@127.0.0.1:2181")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> ZooKeeperBackend.config(URI.create("zookeeper://127.0.0.1:/x")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> ZooKeeperConfig.of("127.0.0.1:2181,"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("host:port");
        assertThat(ZooKeeperConfig.of("[::1]:2181,zk-2.example:2182,zk3").connectString())
                .isEqualTo("[::1]:2181,zk-2.example:2182,zk3");
        assertThatThrownBy(() -> ZooKeeperConfig.of("127.0.0.1:2181").withRoot("relative"))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("root");
    }
}
