package io.elector.spi;

/** The store could not be reached or answered in time; the engine treats it as "no answer". */
public class LeaseStoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public LeaseStoreException(String message) {
        super(message);
    }

    public LeaseStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
