package io.elector.raft;

import io.elector.api.LeaderInfo;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft leader election for one election name on one node: terms, pre-vote, votes, heartbeats,
 * check-quorum, the leader lease and leadership transfer. There is no replicated log: the only
 * thing the group agrees on is who leads in which term, and the term is the fencing token.
 *
 * <p><b>Threads.</b> Loop-confined: every method runs on the node's loop (a {@link io.elector.core.SerialExecutor}). Outgoing
 * messages go to the node's outbox, which is sent only after changed terms and votes are
 * durable ({@link RaftNode#flush}).
 *
 * <p><b>Lease.</b> A leader is valid until {@code s + lease}, where {@code s} is the send time of
 * the latest heartbeat (or of the vote request that won) that a majority acknowledged, and {@code
 * lease = minElectionTimeout * (1 - drift)}. Every node that acknowledged a heartbeat, or granted
 * a vote, refuses to grant any vote or pre-vote for {@code minElectionTimeout} after, on its own
 * clock. Any two majorities intersect, so no new leader can be elected before the old lease ends.
 * A TimeoutNow-started election skips the followers' wait: it is sent only by a leader that has
 * already stopped acting as leader (resign) or whose lease has run out (preferred-leader handoff).
 */
final class ElectionGroup {
    private static final Logger log = LoggerFactory.getLogger(ElectionGroup.class);

    enum Role {
        FOLLOWER,
        PRE_CANDIDATE,
        CANDIDATE,
        LEADER
    }

    final String name;
    private final RaftNode node;

    // Durable (saved before any message that depends on them leaves the node).
    private long term;
    private int votedFor;

    private Role role = Role.FOLLOWER;
    private Candidacy candidacy;

    // The leader as this node knows it.
    private int leaderId;
    private String leaderCandidate;
    private Map<String, String> leaderMetadata = Map.of();
    private long leaderSinceMillis;
    private LeaderInfo published;

    // Lease protection: last contact with a live leader (or a vote granted).
    private boolean inContact;
    private long lastContact;
    private long electionDue;
    private long quietUntil;
    private boolean quiet;

    // Candidate.
    private final Set<Integer> grants = new HashSet<>();
    private long voteSentAt;

    // Leader.
    // Per peer, by the node's peer index (arrays: an ack costs no boxing and no map entry).
    private final boolean[] acked;
    private final long[] ackedSend;
    private final long[] ackReceivedAt;
    private final boolean[] peerStands;
    private final long[] sendScratch;
    private long selfSend;
    private long majoritySend;
    private long leaseEnd;
    private boolean reported;
    private boolean handingOff;
    private int handoffTarget;
    private long handoffAt;

    ElectionGroup(String name, RaftNode node, StateStore.Durable durable, long now) {
        this.name = name;
        this.node = node;
        int peers = node.peerCount();
        this.acked = new boolean[peers];
        this.ackedSend = new long[peers];
        this.ackReceivedAt = new long[peers];
        this.peerStands = new boolean[peers];
        this.sendScratch = new long[peers];
        if (durable != null) {
            this.term = durable.term();
            this.votedFor = durable.votedFor();
        }
        resetElectionTimer(now);
    }

    long term() {
        return term;
    }

    int votedFor() {
        return votedFor;
    }

    Role role() {
        return role;
    }

    boolean leading() {
        return role == Role.LEADER;
    }

    boolean hasCandidacy() {
        return candidacy != null;
    }

    private void setTerm(long newTerm) {
        if (newTerm != term) {
            term = newTerm;
            votedFor = 0;
            node.markDirty(this);
        }
    }

    private void resetElectionTimer(long now) {
        long min = node.timing.minElectionNanos();
        long span = node.timing.maxElectionNanos() - min;
        electionDue = now + min + node.random().nextLong(span + 1);
    }

    // ---- candidacy (from the core, via the node) ----

    void join(Candidacy c, long now) {
        candidacy = c;
        resetElectionTimer(now);
        if (published != null) {
            c.leaderObserved(published);
        }
    }

    void leave(long now) {
        if (role == Role.LEADER && !handingOff) {
            // The core has stepped down already; hand over at once instead of making the others wait.
            reported = false;
            transferNow(now, "candidate left the election");
        }
        candidacy = null;
    }

    void resign(long token, long now) {
        if (role == Role.LEADER && term == token && !handingOff) {
            reported = false;
            transferNow(now, "resigned");
        }
    }

    void expired(long token, long now) {
        if (role == Role.LEADER && term == token) {
            reported = false;
            log.info("{}: lease of term {} expired before a majority renewed it; stepping down", this, term);
            becomeFollower(term, now, null);
        }
    }

    // ---- timer ----

    /** The earliest moment this group needs {@link #tick} (heartbeats are the node's business). */
    long nextDue(long now) {
        long next = now + 4 * node.timing.maxElectionNanos();
        if (role == Role.LEADER) {
            next = earlier(next, handingOff ? handoffAt : majoritySend + node.timing.minElectionNanos() + 1);
            return next;
        }
        if (leaderId != 0) {
            next = earlier(next, lastContact + node.timing.maxElectionNanos() + 1);
        }
        if (candidacy != null) {
            next = earlier(next, quiet ? quietUntil : electionDue);
        }
        return next;
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }

    void tick(long now) {
        if (role == Role.LEADER) {
            tickLeader(now);
            return;
        }
        if (leaderId != 0 && now - lastContact - node.timing.maxElectionNanos() > 0) {
            forgetLeader();
        }
        if (quiet && now - quietUntil >= 0) {
            quiet = false;
        }
        if (candidacy != null && !quiet && now - electionDue >= 0) {
            startPreVote(now);
        }
    }

    private void tickLeader(long now) {
        if (handingOff) {
            if (now - handoffAt >= 0) {
                sendTimeoutNow(handoffTarget, now);
            }
            return;
        }
        if (now - majoritySend - node.timing.minElectionNanos() > 0) {
            // Check-quorum: no majority acknowledged anything for a whole minimum election timeout.
            log.info("{}: no majority acknowledged heartbeats of term {}; stepping down", this, term);
            becomeFollower(term, now, "lost contact with a majority of the cluster");
            return;
        }
        if (!node.hasPreference()) {
            return;
        }
        int preferred = preferredPeer(now);
        if (preferred != 0 && node.rank(preferred) > node.rank(node.selfId)) {
            log.info(
                    "{}: preferred node {} is healthy; handing over when the lease of term {} ends",
                    this,
                    preferred,
                    term);
            if (reported) {
                candidacy.lost(term, "handing over to preferred leader node " + preferred);
                reported = false;
            }
            handingOff = true;
            handoffTarget = preferred;
            handoffAt = leaseEnd + 1;
        }
    }

    /** The best peer to hand leadership to: a live candidate, highest rank first, then freshest ack. */
    private int preferredPeer(long now) {
        int best = 0;
        long bestAck = 0;
        for (int i = 0; i < acked.length; i++) {
            if (!acked[i] || !peerStands[i] || now - ackReceivedAt[i] - 2 * node.timing.heartbeatNanos() > 0) {
                continue;
            }
            int peer = node.peerId(i);
            long ack = ackedSend[i];
            if (best == 0
                    || node.rank(peer) > node.rank(best)
                    || (node.rank(peer) == node.rank(best) && ack - bestAck > 0)) {
                best = peer;
                bestAck = ack;
            }
        }
        return best;
    }

    private void transferNow(long now, String why) {
        int target = preferredPeer(now);
        log.info("{}: {} in term {}; transferring to node {}", this, why, term, target == 0 ? "none" : target);
        if (target != 0) {
            sendTimeoutNow(target, now);
        } else {
            becomeFollower(term, now, null);
            quiet(now);
        }
    }

    private void sendTimeoutNow(int target, long now) {
        node.send(target, new Message.TimeoutNow(name, term));
        becomeFollower(term, now, null);
        quiet(now);
    }

    private void quiet(long now) {
        // "Should not win again at once": stand again only after a full election timeout.
        quiet = true;
        quietUntil = now + node.timing.maxElectionNanos();
        inContact = false;
    }

    // ---- elections ----

    private void startPreVote(long now) {
        role = Role.PRE_CANDIDATE;
        grants.clear();
        grants.add(node.selfId);
        forgetLeader();
        resetElectionTimer(now);
        log.debug("{}: pre-vote for term {}", this, term + 1);
        if (grants.size() >= node.majority()) {
            startElection(now, false);
            return;
        }
        node.broadcast(new Message.VoteRequest(name, term + 1, true, false));
    }

    private void startElection(long now, boolean transfer) {
        setTerm(term + 1);
        votedFor = node.selfId;
        node.markDirty(this);
        role = Role.CANDIDATE;
        grants.clear();
        grants.add(node.selfId);
        voteSentAt = now;
        inContact = true;
        lastContact = now;
        resetElectionTimer(now);
        log.debug("{}: election for term {}{}", this, term, transfer ? " (transfer)" : "");
        if (grants.size() >= node.majority()) {
            becomeLeader(now);
            return;
        }
        node.broadcast(new Message.VoteRequest(name, term, false, transfer));
    }

    private void becomeLeader(long now) {
        if (candidacy == null) {
            becomeFollower(term, now, null);
            return;
        }
        role = Role.LEADER;
        handingOff = false;
        java.util.Arrays.fill(acked, false);
        java.util.Arrays.fill(peerStands, false);
        majoritySend = voteSentAt;
        selfSend = voteSentAt;
        leaseEnd = voteSentAt + node.timing.leaseNanos();
        leaderId = node.selfId;
        leaderCandidate = candidacy.candidateId;
        leaderMetadata = candidacy.metadata;
        leaderSinceMillis = node.wallMillis();
        log.info("{}: elected leader in term {}", this, term);
        reported = true;
        candidacy.elected(term, voteSentAt);
        publish();
        node.heartbeatNow(this, now);
    }

    private void becomeFollower(long newTerm, long now, String lostCause) {
        if (role == Role.LEADER) {
            if (reported && candidacy != null) {
                candidacy.lost(term, lostCause != null ? lostCause : "stepped down");
            }
            reported = false;
            handingOff = false;
            forgetLeader();
            resetElectionTimer(now);
        }
        setTerm(newTerm);
        role = Role.FOLLOWER;
        grants.clear();
    }

    /** A heartbeat to broadcast now, recording its send time as the leader's own acknowledgement. */
    Message.Heartbeat heartbeat(long now) {
        selfSend = now;
        if (node.majority() == 1) {
            advanceLease(now);
        }
        return new Message.Heartbeat(name, term, now, leaderCandidate, leaderMetadata, leaderSinceMillis);
    }

    // ---- messages ----

    void onVoteRequest(int from, Message.VoteRequest r, long now) {
        boolean leaseHeld = role == Role.LEADER
                || (inContact && !r.transfer() && now - lastContact - node.timing.minElectionNanos() < 0);
        if (r.preVote()) {
            boolean grant = r.term() > term && !leaseHeld;
            node.send(from, new Message.VoteResponse(name, grant ? r.term() : term, true, grant));
            return;
        }
        if (leaseHeld || r.term() < term) {
            // Within the lease a voter does not even adopt the higher term (thesis 4.2.3).
            node.send(from, new Message.VoteResponse(name, term, false, false));
            return;
        }
        if (r.term() > term) {
            becomeFollower(r.term(), now, "a higher term began");
        }
        boolean grant = votedFor == 0 || votedFor == from;
        if (grant) {
            votedFor = from;
            node.markDirty(this);
            inContact = true;
            lastContact = now;
            resetElectionTimer(now);
        }
        node.send(from, new Message.VoteResponse(name, term, false, grant));
    }

    void onVoteResponse(int from, Message.VoteResponse r, long now) {
        if (r.preVote()) {
            if (role != Role.PRE_CANDIDATE) {
                return;
            }
            if (r.granted() && r.term() == term + 1) {
                grants.add(from);
                if (grants.size() >= node.majority()) {
                    startElection(now, false);
                }
            } else if (!r.granted() && r.term() > term) {
                becomeFollower(r.term(), now, null);
            }
            return;
        }
        if (r.term() > term) {
            becomeFollower(r.term(), now, "a higher term began");
            return;
        }
        if (role == Role.CANDIDATE && r.term() == term && r.granted()) {
            grants.add(from);
            if (grants.size() >= node.majority()) {
                becomeLeader(now);
            }
        }
    }

    void onHeartbeat(int from, Message.Heartbeat h, long now) {
        boolean stands = candidacy != null;
        if (h.term() < term) {
            node.send(from, new Message.HeartbeatAck(name, term, h.sendNanos(), false, stands));
            return;
        }
        if (role == Role.LEADER && h.term() == term) {
            log.error("{}: node {} claims to lead term {} which this node leads; ignoring it", this, from, term);
            return;
        }
        if (h.term() > term || role != Role.FOLLOWER) {
            becomeFollower(h.term(), now, "a newer leader appeared");
        }
        leaderId = from;
        leaderCandidate = h.candidateId();
        leaderMetadata = h.metadata();
        leaderSinceMillis = h.sinceMillis();
        inContact = true;
        lastContact = now;
        resetElectionTimer(now);
        publish();
        node.send(from, new Message.HeartbeatAck(name, term, h.sendNanos(), true, stands));
    }

    void onAck(int from, Message.HeartbeatAck a, long now) {
        if (a.term() > term) {
            becomeFollower(a.term(), now, "a higher term began");
            return;
        }
        if (role != Role.LEADER || a.term() != term || !a.success()) {
            return;
        }
        int i = node.peerIndex(from);
        if (i < 0) {
            return;
        }
        if (!acked[i] || a.echoNanos() - ackedSend[i] > 0) {
            ackedSend[i] = a.echoNanos();
        }
        acked[i] = true;
        ackReceivedAt[i] = now;
        peerStands[i] = a.candidate();
        advanceLease(now);
    }

    /** Moves the lease to the latest send time acknowledged by a majority (the leader counts itself). */
    private void advanceLease(long now) {
        int need = node.majority() - 1;
        long best;
        if (need == 0) {
            best = selfSend;
        } else {
            int n = 0;
            for (int i = 0; i < acked.length; i++) {
                if (acked[i]) {
                    sendScratch[n++] = ackedSend[i] - selfSend; // relative, so the sort is overflow-safe
                }
            }
            if (n < need) {
                return;
            }
            java.util.Arrays.sort(sendScratch, 0, n);
            best = selfSend + sendScratch[n - need];
        }
        if (best - majoritySend > 0) {
            majoritySend = best;
            leaseEnd = best + node.timing.leaseNanos();
            if (reported && !handingOff) {
                candidacy.renewed(term, best);
            }
        }
    }

    void onTimeoutNow(int from, Message.TimeoutNow t, long now) {
        if (t.term() != term || role == Role.LEADER || candidacy == null) {
            log.debug("{}: ignoring TimeoutNow for term {} from node {}", this, t.term(), from);
            return;
        }
        log.info("{}: node {} hands over term {}; starting an election", this, from, term);
        quiet = false;
        startElection(now, true);
    }

    // ---- leader knowledge ----

    private void forgetLeader() {
        leaderId = 0;
        leaderCandidate = null;
        publish();
    }

    private void publish() {
        boolean known = leaderId != 0 && leaderCandidate != null;
        if (known
                && published != null
                && published.fencingToken() == term
                && published.candidateId().equals(leaderCandidate)) {
            return; // the common case, every heartbeat: nothing changed, allocate nothing
        }
        LeaderInfo info = !known
                ? null
                : new LeaderInfo(name, leaderCandidate, term, leaderMetadata, Instant.ofEpochMilli(leaderSinceMillis));
        if (sameLeadership(info, published)) {
            return;
        }
        published = info;
        node.leaderChanged(this, info);
        if (candidacy != null) {
            candidacy.leaderObserved(info);
        }
    }

    LeaderInfo leader() {
        return published;
    }

    private static boolean sameLeadership(LeaderInfo a, LeaderInfo b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.fencingToken() == b.fencingToken() && a.candidateId().equals(b.candidateId());
    }

    @Override
    public String toString() {
        return "raft node " + node.selfId + " election '" + name + "'";
    }
}
