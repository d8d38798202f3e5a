package io.elector.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.elector.api.InvalidSettingException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how an {@link AzureBlobLeaseStore} talks to Azure Blob Storage. Validated when built.
 * Exactly one way to connect: a connection string, or an endpoint with an account key, a SAS token
 * or a {@link TokenCredential} (e.g. {@code DefaultAzureCredential} from azure-identity, which this
 * module does not depend on: add it yourself).
 *
 * <ul>
 *   <li>{@code container}: the container holding one blob per election; created if absent. Default
 *       {@value #DEFAULT_CONTAINER}.
 *   <li>{@code blobPrefix}: prepended to the election name to form the blob name; default empty.
 *   <li>{@code requestTimeout}: how long one HTTP request may take before the store reports "no
 *       answer" (default 2 s; also the connect timeout). Keep it well below the renew interval.
 * </ul>
 *
 * <p>{@link #toString()} never shows a key, SAS token or connection string.
 */
public final class AzureStoreConfig {
    public static final String DEFAULT_CONTAINER = "elector";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._/-]{0,200}");

    private final String connectionString;
    private final String endpoint;
    private final StorageSharedKeyCredential key;
    private final String sasToken;
    private final TokenCredential tokenCredential;
    private final String container;
    private final String blobPrefix;
    private final Duration requestTimeout;
    private final boolean rollbackSafe;

    private AzureStoreConfig(
            String connectionString,
            String endpoint,
            StorageSharedKeyCredential key,
            String sasToken,
            TokenCredential tokenCredential,
            String container,
            String blobPrefix,
            Duration requestTimeout,
            boolean rollbackSafe) {
        this.rollbackSafe = rollbackSafe;
        this.connectionString = connectionString;
        this.endpoint = endpoint;
        this.key = key;
        this.sasToken = sasToken;
        this.tokenCredential = tokenCredential;
        this.container = container;
        this.blobPrefix = blobPrefix;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectionString == null) {
            if (endpoint == null || !(endpoint.startsWith("https://") || endpoint.startsWith("http://"))) {
                throw new InvalidSettingException(
                        "azure endpoint must be an http(s) URL such as https://ACCOUNT.blob.core.windows.net: "
                                + (endpoint == null ? "null" : "'" + stripQuery(endpoint) + "'"));
            }
            int credentials = (key != null ? 1 : 0) + (sasToken != null ? 1 : 0) + (tokenCredential != null ? 1 : 0);
            if (credentials != 1) {
                throw new InvalidSettingException(
                        "azure endpoint needs exactly one credential (account key, SAS token or token credential)");
            }
        } else if (connectionString.isBlank()) {
            throw new InvalidSettingException("azure connection string is empty");
        }
        if (container == null || !CONTAINER.matcher(container).matches()) {
            throw new InvalidSettingException("azure container name must be 3-63 characters of lowercase letters,"
                    + " digits and single hyphens, starting and ending with a letter or digit: "
                    + (container == null ? "null" : "'" + container + "'"));
        }
        if (blobPrefix == null || !PREFIX.matcher(blobPrefix).matches()) {
            throw new InvalidSettingException(
                    "azure blobPrefix must be at most 200 characters of letters, digits, '.', '_', '/' or '-': "
                            + (blobPrefix == null ? "null" : "'" + blobPrefix + "'"));
        }
        if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0
                || requestTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new InvalidSettingException("azure requestTimeout must be between 100ms and 30s: " + requestTimeout);
        }
    }

    /** A connection string as the Azure portal shows it (or Azurite's). */
    public static AzureStoreConfig connectionString(String connectionString) {
        Objects.requireNonNull(connectionString, "connectionString");
        return new AzureStoreConfig(
                connectionString, null, null, null, null, DEFAULT_CONTAINER, "", DEFAULT_REQUEST_TIMEOUT, false);
    }

    /** An endpoint ({@code https://ACCOUNT.blob.core.windows.net}) with a shared account key. */
    public static AzureStoreConfig accountKey(String endpoint, String accountName, String accountKey) {
        if (accountName == null || accountName.isBlank() || accountKey == null || accountKey.isBlank()) {
            throw new InvalidSettingException("azure account name and key must not be empty");
        }
        return new AzureStoreConfig(
                null,
                endpoint,
                new StorageSharedKeyCredential(accountName, accountKey),
                null,
                null,
                DEFAULT_CONTAINER,
                "",
                DEFAULT_REQUEST_TIMEOUT,
                false);
    }

    /** An endpoint with a SAS token (account or container SAS with read, write, create rights). */
    public static AzureStoreConfig sasToken(String endpoint, String sasToken) {
        if (sasToken == null || sasToken.isBlank()) {
            throw new InvalidSettingException("azure SAS token must not be empty");
        }
        return new AzureStoreConfig(
                null, endpoint, null, sasToken, null, DEFAULT_CONTAINER, "", DEFAULT_REQUEST_TIMEOUT, false);
    }

    /** An endpoint with an Azure AD token credential (for example azure-identity's DefaultAzureCredential). */
    public static AzureStoreConfig tokenCredential(String endpoint, TokenCredential credential) {
        Objects.requireNonNull(credential, "credential");
        return new AzureStoreConfig(
                null, endpoint, null, null, credential, DEFAULT_CONTAINER, "", DEFAULT_REQUEST_TIMEOUT, false);
    }

    public AzureStoreConfig withContainer(String c) {
        return new AzureStoreConfig(
                connectionString,
                endpoint,
                key,
                sasToken,
                tokenCredential,
                c,
                blobPrefix,
                requestTimeout,
                rollbackSafe);
    }

    public AzureStoreConfig withBlobPrefix(String p) {
        return new AzureStoreConfig(
                connectionString, endpoint, key, sasToken, tokenCredential, container, p, requestTimeout, rollbackSafe);
    }

    public AzureStoreConfig withRequestTimeout(Duration t) {
        return new AzureStoreConfig(
                connectionString, endpoint, key, sasToken, tokenCredential, container, blobPrefix, t, rollbackSafe);
    }

    /**
     * Whether to tolerate a storage service that loses acknowledged writes (Azurite killed with
     * SIGKILL loses up to its last 5 s): this process then takes a blob that is not leased only after
     * it has seen it unleased and unchanged (same ETag), polling without a gap of more than a third
     * of the lease, for the lease + 1 s on its own monotonic clock. Neither the blob's Last-Modified
     * time nor its "released" mark is trusted, since a rollback restores old ones. Costs one extra
     * lease on every takeover, a graceful one included; off by default (Azure Storage does not lose
     * acknowledged writes).
     */
    public AzureStoreConfig withRollbackSafe(boolean safe) {
        return new AzureStoreConfig(
                connectionString,
                endpoint,
                key,
                sasToken,
                tokenCredential,
                container,
                blobPrefix,
                requestTimeout,
                safe);
    }

    public boolean rollbackSafe() {
        return rollbackSafe;
    }

    String connectionString() {
        return connectionString;
    }

    String endpoint() {
        return endpoint;
    }

    StorageSharedKeyCredential key() {
        return key;
    }

    String sas() {
        return sasToken;
    }

    TokenCredential token() {
        return tokenCredential;
    }

    public String container() {
        return container;
    }

    public String blobPrefix() {
        return blobPrefix;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How this config authenticates, without the secret: "connection string", "account key"... */
    public String credentialKind() {
        if (connectionString != null) {
            return "connection string";
        }
        return key != null ? "account key" : sasToken != null ? "SAS token" : "token credential";
    }

    @Override
    public String toString() {
        return "AzureStoreConfig[" + (endpoint != null ? stripQuery(endpoint) + ", " : "") + credentialKind()
                + ", container=" + container + ", blobPrefix=" + blobPrefix + ", requestTimeout=" + requestTimeout
                + (rollbackSafe ? ", rollbackSafe" : "") + "]";
    }

    static String stripQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
