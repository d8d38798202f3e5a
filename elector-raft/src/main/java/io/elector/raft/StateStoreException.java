package io.elector.raft;

import io.elector.api.ElectorException;

/** The state directory cannot be read or written; the node must not go on voting without it. */
public final class StateStoreException extends ElectorException {
    private static final long serialVersionUID = 1L;

    StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    StateStoreException(String message) {
        super(message);
    }
}
