package io.elector.raft;

import io.elector.api.InvalidSettingException;

/** A Raft backend configuration (builder or URI) that cannot work; the message names what is wrong. */
public final class RaftConfigException extends InvalidSettingException {
    private static final long serialVersionUID = 1L;

    RaftConfigException(String message) {
        super(message);
    }

    RaftConfigException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
