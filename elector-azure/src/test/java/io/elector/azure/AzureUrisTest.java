package io.elector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elector.api.InvalidSettingException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of azblob: URIs (no server needed). */
class AzureUrisTest {
    private static final String CS = AzuriteProcess.connectionString(10000);

    @Test
    void connectionStringFormTakesTheContainerAndOptions() {
        AzureStoreConfig c = AzureUris.parse(
                "azblob:///leases?prefix=prod/&timeout=500ms", Map.of(AzureUris.CONNECTION_STRING_ENV, CS));
        assertThat(c.container()).isEqualTo("leases");
        assertThat(c.blobPrefix()).isEqualTo("prod/");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.credentialKind()).isEqualTo("connection string");
        assertThat(c.toString()).doesNotContain(AzuriteProcess.KEY);
        assertThat(c.rollbackSafe()).isFalse();
    }

    @Test
    void rollbackSafeIsAnOptionAndOnlyTrueOrFalse() {
        assertThat(AzureUris.parse("azblob:///leases?rollback-safe=true", Map.of(AzureUris.CONNECTION_STRING_ENV, CS))
                        .rollbackSafe())
                .isTrue();
        assertThat(AzureUris.parse(
                                "azblob:///leases?rollback-safe=false&timeout=1s",
                                Map.of(AzureUris.CONNECTION_STRING_ENV, CS))
                        .rollbackSafe())
                .isFalse();
        assertThatThrownBy(() -> AzureUris.parse(
                        "azblob:///leases?rollback-safe=yes", Map.of(AzureUris.CONNECTION_STRING_ENV, CS)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("rollback-safe must be true or false");
    }

    @Test
    void bareSchemeMeansTheDefaultContainer() {
        for (String bare : new String[] {"azblob:", "azblob://", "azblob:///"}) {
            assertThat(AzureUris.parse(bare, Map.of(AzureUris.CONNECTION_STRING_ENV, CS))
                            .container())
                    .isEqualTo(AzureStoreConfig.DEFAULT_CONTAINER);
        }
    }

    @Test
    void accountHostFormTakesTheKeyOrSasFromTheEnvironment() {
        AzureStoreConfig key =
                AzureUris.parse("azblob://acct.blob.core.windows.net/leases", Map.of(AzureUris.KEY_ENV, "c2VjcmV0"));
        assertThat(key.endpoint()).isEqualTo("https://acct.blob.core.windows.net");
        assertThat(key.key().getAccountName()).isEqualTo("acct");
        assertThat(key.toString()).doesNotContain("c2VjcmV0");
        AzureStoreConfig sas = AzureUris.parse(
                "azblob://acct.blob.core.windows.net/leases?timeout=PT3S", Map.of(AzureUris.SAS_ENV, "sv=1&sig=abc"));
        assertThat(sas.credentialKind()).isEqualTo("SAS token");
        assertThat(sas.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void loopbackHostIsAnEmulatorWithTheAccountInThePath() {
        AzureStoreConfig c = AzureUris.parse(
                "azblob://127.0.0.1:10000/devstoreaccount1/leases", Map.of(AzureUris.KEY_ENV, AzuriteProcess.KEY));
        assertThat(c.endpoint()).isEqualTo("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(c.key().getAccountName()).isEqualTo("devstoreaccount1");
        assertThat(c.container()).isEqualTo("leases");
    }

    @Test
    void badUrisSayWhatIsWrongWithoutSecrets() {
        assertThatThrownBy(() -> AzureUris.parse("azblob:///leases", Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(AzureUris.CONNECTION_STRING_ENV);
        assertThatThrownBy(() -> AzureUris.parse("azblob://acct.blob.core.windows.net/leases", Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("no credential")
                .hasMessageContaining(AzureUris.KEY_ENV);
        assertThatThrownBy(() -> AzureUris.parse("azblob://user:pw@acct.blob.core.windows.net/leases", Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("take no user or key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
        assertThatThrownBy(
                        () -> AzureUris.parse("azblob:///Bad_Container", Map.of(AzureUris.CONNECTION_STRING_ENV, CS)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("container name");
        assertThatThrownBy(
                        () -> AzureUris.parse("azblob:///leases?bogus=1", Map.of(AzureUris.CONNECTION_STRING_ENV, CS)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("unknown azblob option 'bogus'");
        assertThatThrownBy(() ->
                        AzureUris.parse("azblob:///leases?timeout=soon", Map.of(AzureUris.CONNECTION_STRING_ENV, CS)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> AzureUris.parse("azblob://127.0.0.1:10000/leases", Map.of(AzureUris.KEY_ENV, "k")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("ACCOUNT/CONTAINER");
    }
}
