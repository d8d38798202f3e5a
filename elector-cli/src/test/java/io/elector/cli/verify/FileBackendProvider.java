package io.elector.cli.verify;

import io.elector.cli.backend.BackendOptions;
import io.elector.cli.backend.BackendProvider;
import io.elector.cli.backend.BackendUri;
import io.elector.core.LeaseBackend;
import io.elector.spi.Backend;
import java.nio.file.Path;
import java.util.Set;

/**
 * Test-only backends on a local lease file: {@code file-lease:/path} (correct), {@code
 * broken-tokens:/path} and {@code early-expiry:/path} (deliberately broken, see {@link
 * FileLeaseStore}). Registered in the test class path only.
 */
public final class FileBackendProvider implements BackendProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("file-lease", "broken-tokens", "early-expiry");
    }

    @Override
    public String example() {
        return "file-lease:/tmp/elector.lease";
    }

    @Override
    public Backend create(BackendUri uri, BackendOptions options) {
        FileLeaseStore.Flaw flaw = switch (uri.scheme()) {
            case "broken-tokens" -> FileLeaseStore.Flaw.REUSES_TOKENS;
            case "early-expiry" -> FileLeaseStore.Flaw.EXPIRES_EARLY;
            default -> FileLeaseStore.Flaw.NONE;
        };
        return LeaseBackend.of(options.storeDecorator().apply(new FileLeaseStore(Path.of(uri.rest()), flaw)));
    }
}
