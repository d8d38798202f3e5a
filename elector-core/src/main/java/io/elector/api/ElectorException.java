package io.elector.api;

/** Base of Elector's unchecked exceptions. */
public class ElectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ElectorException(String message) {
        super(message);
    }

    public ElectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
