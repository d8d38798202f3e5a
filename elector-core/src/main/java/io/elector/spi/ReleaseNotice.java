package io.elector.spi;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A store's notice that a lease was given back ({@link LeaseStore#onReleaseNotice}).
 *
 * @param election the election whose lease was released
 * @param token the fencing token the lease was held with, when the store's notice carries it; a
 *     candidate that resigned learns from it that a later leadership has come and gone
 */
public record ReleaseNotice(String election, OptionalLong token) {
    public ReleaseNotice {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(token, "token");
    }

    /** A notice that names only the election. */
    public static ReleaseNotice of(String election) {
        return new ReleaseNotice(election, OptionalLong.empty());
    }

    /** A notice of the release of {@code election}'s lease held with {@code token}. */
    public static ReleaseNotice of(String election, long token) {
        return new ReleaseNotice(election, OptionalLong.of(token));
    }

    /** True if the notice carries a token and it is greater than {@code token}. */
    public boolean releasedAfter(long token) {
        return this.token.isPresent() && this.token.getAsLong() > token;
    }
}
