package io.elector.spring;

import io.elector.api.ElectorException;

/** A {@link LeaderOnly} method was called on an instance that does not lead its election. */
public class NotLeaderException extends ElectorException {
    private static final long serialVersionUID = 1L;

    private final String election;

    public NotLeaderException(String election, String method) {
        super("not the leader of election '" + election + "': " + method + " was not run");
        this.election = election;
    }

    /** The election this instance does not lead. */
    public String election() {
        return election;
    }
}
