package io.elector.api;

/** Why a leadership ended. Every loss ends with exactly one reason, reported exactly once. */
public enum RevocationReason {
    /** The local deadline passed without a renewal (the backend could not be reached in time). */
    EXPIRED,
    /** The backend said the leadership is gone (lease taken over, session lost, term superseded). */
    LOST,
    /** This candidate resigned. */
    RESIGNED,
    /** The election or the elector was closed. */
    CLOSED
}
