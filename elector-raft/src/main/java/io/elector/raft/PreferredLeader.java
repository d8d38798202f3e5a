package io.elector.raft;

/**
 * Which node should lead when several are healthy. A leader that sees a preferred candidate
 * healthy (acknowledging its heartbeats) stops acting as leader, waits until its own lease has
 * run out, and only then hands over with TimeoutNow, so the lease is never broken.
 */
public enum PreferredLeader {
    /** Any node may lead; a leader stays until it fails or resigns. */
    NONE,
    /** The candidate with the smallest node id leads whenever it is healthy ("smallest id wins"). */
    LOWEST_ID,
    /** The candidate with the highest configured priority leads whenever it is healthy; ties keep the leader. */
    HIGHEST_PRIORITY
}
