package io.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.api.InvalidSettingException;
import io.lettuce.core.RedisCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisUrisTest {

    @Test
    void plainUriGetsTheDefaults() {
        RedisStoreConfig c = RedisBackend.config(URI.create("redis://127.0.0.1:6379"), Map.of());
        assertThat(c.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(c.uri().getPort()).isEqualTo(6379);
        assertThat(c.uri().getDatabase()).isZero();
        assertThat(creds(c).hasPassword()).isFalse();
        assertThat(c.keyPrefix()).isEqualTo("elector:");
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.address()).isEqualTo("redis://127.0.0.1:6379/0");
    }

    @Test
    void optionsDatabaseAndIpv6AreRead() {
        RedisStoreConfig c = RedisBackend.config(
                URI.create("rediss://[::1]:6380/3?prefix=app:elections:&timeout=250ms&clientName=node-1"), Map.of());
        assertThat(c.uri().getHost()).isEqualTo("::1");
        assertThat(c.uri().isSsl()).isTrue();
        assertThat(c.uri().getDatabase()).isEqualTo(3);
        assertThat(c.keyPrefix()).isEqualTo("app:elections:");
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.uri().getClientName()).isEqualTo("node-1");
        assertThat(c.address()).isEqualTo("rediss://[::1]:6380/3");
    }

    @Test
    void passwordComesFromTheUriOrTheEnvironmentAndIsNeverShown() {
        RedisStoreConfig fromUri = RedisBackend.config(URI.create("redis://app:s3cr%40t@127.0.0.1:6379"), Map.of());
        assertThat(new String(creds(fromUri).getPassword())).isEqualTo("s3cr@t");
        assertThat(creds(fromUri).getUsername()).isEqualTo("app");
        assertThat(fromUri.toString()).doesNotContain("s3cr");

        RedisStoreConfig fromEnv = RedisBackend.config(
                URI.create("redis://127.0.0.1:6379"),
                Map.of("ELECTOR_REDIS_PASSWORD", "envpass", "ELECTOR_REDIS_USERNAME", "bob"));
        assertThat(new String(creds(fromEnv).getPassword())).isEqualTo("envpass");
        assertThat(creds(fromEnv).getUsername()).isEqualTo("bob");
        assertThat(fromEnv.toString()).doesNotContain("envpass");

        RedisStoreConfig uriWins = RedisBackend.config(
                URI.create("redis://:fromuri@127.0.0.1:6379"), Map.of("ELECTOR_REDIS_PASSWORD", "envpass"));
        assertThat(new String(creds(uriWins).getPassword())).isEqualTo("fromuri");

        assertThat(RedisBackend.redacted(URI.create("redis://app:s3cret@127.0.0.1:6379/0")))
                .isEqualTo("redis://app:***@127.0.0.1:6379/0");
        assertThat(RedisBackend.redacted(URI.create("redis://s3cret@127.0.0.1:6379")))
                .isEqualTo("redis://***@127.0.0.1:6379");
    }

    @Test
    void badUrisAreRefusedNamingTheProblemWithoutThePassword() {
        assertThatThrownBy(() -> RedisBackend.config(URI.create("http://127.0.0.1:6379"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis://u:pw@127.0.0.1:6379?bogus=1"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("bogus")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis://127.0.0.1:6379/x"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis://127.0.0.1:6379?timeout=soon"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis://127.0.0.1:6379?timeout=5ms"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis://127.0.0.1:6379?prefix=a%20b"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisBackend.config(URI.create("redis:///0"), Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("host");
    }

    @Test
    void verifiedCreationFailsFastOnAWrongAddressWithoutThePassword() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        URI uri = URI.create("redis://app:hunter2@127.0.0.1:" + closedPort + "?timeout=500ms");
        long start = System.nanoTime();
        assertThatThrownBy(() -> RedisBackend.createVerified(uri))
                .isInstanceOf(io.elector.spi.LeaseStoreException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageNotContaining("hunter2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private static RedisCredentials creds(RedisStoreConfig c) {
        return c.uri().getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1));
    }
}
