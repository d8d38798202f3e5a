package io.elector.api;

/** A fenced write was refused because a newer leadership has already written. */
public class StaleTokenException extends ElectorException {
    private static final long serialVersionUID = 1L;
    private final String resource;
    private final long token;
    private final long currentToken;

    public StaleTokenException(String resource, long token, long currentToken) {
        super("stale fencing token " + token + " for resource '" + resource + "': token " + currentToken
                + " has already written; this process is no longer leader");
        this.resource = resource;
        this.token = token;
        this.currentToken = currentToken;
    }

    public String resource() {
        return resource;
    }

    public long token() {
        return token;
    }

    public long currentToken() {
        return currentToken;
    }
}
