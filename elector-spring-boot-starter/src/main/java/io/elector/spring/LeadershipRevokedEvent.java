package io.elector.spring;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.api.RevocationReason;

/**
 * This instance's leadership of an election ended (lost, expired, resigned or closed). See {@link
 * LeadershipEvent} for ordering.
 */
public final class LeadershipRevokedEvent extends LeadershipEvent {
    private static final long serialVersionUID = 1L;

    private final transient Revocation revocation;

    public LeadershipRevokedEvent(Elections source, Leadership leadership, Revocation revocation) {
        super(source, leadership);
        this.revocation = revocation;
    }

    /** Why and when the leadership ended. */
    public Revocation revocation() {
        return revocation;
    }

    /** Why the leadership ended. */
    public RevocationReason reason() {
        return revocation.reason();
    }

    @Override
    public String toString() {
        return "revoked " + election() + " token " + fencingToken() + " (" + reason() + ")";
    }
}
