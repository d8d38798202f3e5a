package io.elector.cli.backend;

import io.elector.api.ElectorException;

/**
 * A backend URI or its server is unusable: unknown scheme, malformed URI, unreachable server, bad
 * credentials. The message is one line meant for the user and never contains a password.
 */
public class BackendConfigException extends ElectorException {
    private static final long serialVersionUID = 1L;

    public BackendConfigException(String message) {
        super(message);
    }

    public BackendConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
