package io.elector.testkit;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated process in a conformance test: its backend connection, its elector and its
 * elections, with every listener call recorded in order.
 */
public final class Candidate {
    private final String id;
    private final Backend backend;
    private final Elector elector;
    private final Map<String, Election> elections = new HashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Map<String, Leadership> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean crashed;

    Candidate(String id, Backend backend, Elector elector) {
        this.id = id;
        this.backend = backend;
        this.elector = elector;
    }

    public String id() {
        return id;
    }

    public Backend backend() {
        return backend;
    }

    public Elector elector() {
        return elector;
    }

    /** The candidate's election of that name (joined by the harness). */
    public Election election(String name) {
        synchronized (elections) {
            Election e = elections.get(name);
            if (e == null) {
                throw new IllegalStateException(id + " has not joined " + name);
            }
            return e;
        }
    }

    void joined(String name, Election e) {
        synchronized (elections) {
            elections.put(name, e);
        }
        e.addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                synchronized (events) {
                    events.add("elected:" + l.fencingToken());
                }
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                synchronized (events) {
                    events.add("revoked:" + l.fencingToken());
                }
            }
        });
    }

    /** Listener calls seen so far for its elections, in order: {@code elected:T} / {@code revoked:T}. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * The leadership the harness saw this candidate hold when it last waited for a leader of {@code
     * name}: captured in the same poll that found it, so it is there even if it expired since.
     */
    public Leadership seenLeadership(String name) {
        Leadership l = seen.get(name);
        if (l == null) {
            throw new IllegalStateException(id + " was not seen leading " + name);
        }
        return l;
    }

    void saw(String name, Leadership l) {
        seen.put(name, l);
    }

    boolean crashed() {
        return crashed;
    }

    void markCrashed() {
        crashed = true;
    }

    @Override
    public String toString() {
        return id;
    }
}
