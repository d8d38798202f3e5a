package io.elector.raft;

import java.util.Map;

/**
 * The wire protocol between Raft nodes (and observers): one record per message kind. Every message
 * names its election, so one connection carries every election of the cluster. Terms are per
 * election.
 */
sealed interface Message {

    /** The election this message is about. */
    String election();

    /**
     * A (pre-)vote request. A pre-vote ({@code preVote}) asks "would you vote for me in {@code
     * term}?" without changing anyone's state. {@code transfer} marks an election started by a
     * TimeoutNow from a leader that has already stepped down, so voters may ignore their lease.
     */
    record VoteRequest(String election, long term, boolean preVote, boolean transfer) implements Message {}

    /** The answer to a {@link VoteRequest}; {@code term} is the voter's term (or the asked term when a pre-vote is granted). */
    record VoteResponse(String election, long term, boolean preVote, boolean granted) implements Message {}

    /**
     * The leader's heartbeat. {@code sendNanos} is the leader's own monotonic send time, echoed back
     * in the ack so the leader knows which send time a majority has acknowledged. The leader's
     * candidate id, metadata and wall-clock start let followers and observers report it.
     */
    record Heartbeat(
            String election,
            long term,
            long sendNanos,
            String candidateId,
            Map<String, String> metadata,
            long sinceMillis)
            implements Message {}

    /** A follower's ack; {@code candidate} says whether it stands in the election (may be handed leadership). */
    record HeartbeatAck(String election, long term, long echoNanos, boolean success, boolean candidate)
            implements Message {}

    /** "Start an election now": the leadership transfer of the Raft thesis (section 3.10). */
    record TimeoutNow(String election, long term) implements Message {}

    /** An observer asks who leads; answered at once from the node's snapshot. */
    record LeaderQuery(String election) implements Message {}

    /** The node's view of the leader; {@code known} false means it knows of no live leader. */
    record LeaderReport(
            String election,
            long term,
            boolean known,
            String candidateId,
            Map<String, String> metadata,
            long sinceMillis)
            implements Message {}
}
