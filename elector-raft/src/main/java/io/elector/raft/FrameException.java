package io.elector.raft;

/** Bytes that are not a valid, authenticated frame of this cluster. The connection is closed. */
final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    FrameException(String message) {
        super(message);
    }
}
