package io.elector.cli;

import io.elector.api.ElectorException;

/** A bad option value or combination, found after parsing. The command prints the message and exits 2. */
public class UsageException extends ElectorException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
