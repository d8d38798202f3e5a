package io.elector.cli.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.spi.Backend;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendUriTest {

    @Test
    void redactsPasswordsInUserInfoAndQuery() {
        assertThat(BackendUri.redact("postgresql://app:hunter2@db:5432/x?user=app&password=hunter2&ssl=true"))
                .isEqualTo("postgresql://app:****@db:5432/x?user=app&password=****&ssl=true");
        assertThat(BackendUri.redact("mysql://root@127.0.0.1:3306/test")).isEqualTo("mysql://root@127.0.0.1:3306/test");
        assertThat(BackendUri.redact("azblob://DefaultEndpointsProtocol=http;AccountName=a;AccountKey=abc==;"))
                .isEqualTo("azblob://DefaultEndpointsProtocol=http;AccountName=a;AccountKey=****;");
        assertThat(BackendUri.parse("redis://:pw@127.0.0.1:6379").toString()).isEqualTo("redis://:****@127.0.0.1:6379");
    }

    @Test
    void parsesSchemeRestAndQuery() {
        BackendUri u = BackendUri.parse("RAFT://127.0.0.1:7001,127.0.0.1:7002?node=2&x=a%20b");
        assertThat(u.scheme()).isEqualTo("raft");
        assertThat(u.rest()).isEqualTo("//127.0.0.1:7001,127.0.0.1:7002?node=2&x=a%20b");
        assertThat(u.query()).containsExactly(java.util.Map.entry("node", "2"), java.util.Map.entry("x", "a b"));
        assertThat(BackendUri.parse("memory:").rest()).isEmpty();
        assertThat(BackendUri.parse("h2:tcp://127.0.0.1:9092/./elector").scheme())
                .isEqualTo("h2");
    }

    @Test
    void rejectsUrisWithoutSchemeInOneLineWithoutPassword() {
        assertThatThrownBy(() -> BackendUri.parse("")).isInstanceOf(BackendConfigException.class);
        assertThatThrownBy(() -> BackendUri.parse("//user:pw@host:1/db"))
                .isInstanceOf(BackendConfigException.class)
                .hasMessageContaining("no scheme")
                .hasMessageNotContaining("pw@");
    }

    @Test
    void resolverNamesTheKnownSchemesForAnUnknownOne() {
        BackendResolver r = BackendResolver.of(List.of(new MemoryBackendProvider()));
        assertThat(r.schemes()).containsExactly("memory");
        assertThatThrownBy(() -> r.provider(BackendUri.parse("etcd://127.0.0.1:2379")))
                .isInstanceOf(BackendConfigException.class)
                .hasMessage("unknown backend scheme 'etcd:' in 'etcd://127.0.0.1:2379'; known: memory:");
    }

    @Test
    void resolverFindsProvidersOnTheClassPath() {
        BackendResolver r = BackendResolver.fromClassPath();
        assertThat(r.schemes()).contains("memory");
        try (Backend b = r.open("memory:", BackendOptions.defaults())) {
            assertThat(b.kind()).isEqualTo("memory");
        }
    }

    @Test
    void twoProvidersClaimingOneSchemeIsAnError() {
        BackendProvider other = new BackendProvider() {
            @Override
            public Set<String> schemes() {
                return Set.of("memory");
            }

            @Override
            public String example() {
                return "memory:";
            }

            @Override
            public Backend create(BackendUri uri, BackendOptions options) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> BackendResolver.of(List.of(new MemoryBackendProvider(), other)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("claimed by both");
    }
}
