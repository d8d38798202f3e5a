package io.elector.spring;

import io.elector.api.Leadership;
import org.springframework.context.ApplicationEvent;

/**
 * A change of this instance's leadership of one election, published as a Spring application event.
 * For one election, {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent} strictly
 * alternate, start with a grant and are published in order from one thread, so synchronous
 * {@code @EventListener}s see them in order. ({@code @Async} listeners may see them out of order.)
 */
public abstract sealed class LeadershipEvent extends ApplicationEvent
        permits LeadershipGrantedEvent, LeadershipRevokedEvent {
    private static final long serialVersionUID = 1L;

    private final transient Leadership leadership;

    LeadershipEvent(Elections source, Leadership leadership) {
        super(source);
        this.leadership = leadership;
    }

    /** The election name. */
    public String election() {
        return leadership.election();
    }

    /** The leadership granted or revoked. */
    public Leadership leadership() {
        return leadership;
    }

    /** Its fencing token. */
    public long fencingToken() {
        return leadership.fencingToken();
    }
}
