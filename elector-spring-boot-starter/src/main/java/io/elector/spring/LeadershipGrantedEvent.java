package io.elector.spring;

import io.elector.api.Leadership;

/** This instance became leader of an election. See {@link LeadershipEvent} for ordering. */
public final class LeadershipGrantedEvent extends LeadershipEvent {
    private static final long serialVersionUID = 1L;

    public LeadershipGrantedEvent(Elections source, Leadership leadership) {
        super(source, leadership);
    }

    @Override
    public String toString() {
        return "granted " + election() + " token " + fencingToken();
    }
}
