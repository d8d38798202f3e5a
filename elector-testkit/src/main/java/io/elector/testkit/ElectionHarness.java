package io.elector.testkit;

import static org.awaitility.Awaitility.await;

import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.core.Elector;
import io.elector.spi.Backend;
import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryRecorder;
import io.elector.testkit.history.HistoryReport;
import io.elector.time.ElectorRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Harness verbs for conformance tests: start candidates, find the leader, crash or cut one off,
 * wait for events. Every leadership is recorded; {@link #checkHistory()} judges the run.
 */
public final class ElectionHarness implements AutoCloseable {
    private final BackendFixture fixture;
    private final HistoryRecorder recorder = HistoryRecorder.inMemory("suite");
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<ElectorRuntime> runtimes = new ArrayList<>();
    private final ElectionSettings settings;

    public ElectionHarness(BackendFixture fixture) {
        this.fixture = fixture;
        this.settings = fixture.settings();
    }

    public BackendFixture fixture() {
        return fixture;
    }

    public ElectionSettings settings() {
        return settings;
    }

    public HistoryRecorder recorder() {
        return recorder;
    }

    /** Starts {@code n} candidates, each on its own backend connection and runtime. */
    public List<Candidate> startCandidates(int n) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(startCandidate());
        }
        return out;
    }

    /** Starts one more candidate. */
    public Candidate startCandidate() {
        if (candidates.size() >= fixture.maxCandidates()) {
            throw new IllegalStateException("fixture allows at most " + fixture.maxCandidates() + " candidates");
        }
        Backend backend = fixture.newBackend();
        String id = "c" + (candidates.size() + 1);
        ElectorRuntime runtime = ElectorRuntime.system();
        runtimes.add(runtime);
        Elector elector = Elector.builder(backend)
                .candidateId(id)
                .metadata("address", "127.0.0.1:" + (9000 + candidates.size()))
                .settings(settings)
                .runtime(runtime)
                .closeBackendOnClose(true)
                .build();
        Candidate c = new Candidate(id, backend, elector);
        candidates.add(c);
        return c;
    }

    /** Makes every given candidate join {@code election}, recording its history. */
    public void join(String election, List<Candidate> who) {
        for (Candidate c : who) {
            join(election, c);
        }
    }

    public Election join(String election, Candidate c) {
        Election e = c.elector().join(election, settings);
        recorder.record(e, c.elector().runtime().time());
        c.joined(election, e);
        return e;
    }

    /** The candidates whose election {@code name} holds a valid leadership now. */
    public List<Candidate> leaders(String name, List<Candidate> among) {
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : among) {
            if (!c.crashed() && c.election(name).isLeader()) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Waits until exactly one of {@code among} leads {@code name}, and returns it. The leadership seen
     * in that poll is kept: {@link Candidate#seenLeadership(String)}.
     */
    public Candidate awaitLeader(String name, List<Candidate> among, Duration timeout) {
        AtomicReference<Candidate> found = new AtomicReference<>();
        await("a single leader of " + name + " among " + among)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    Candidate only = null;
                    io.elector.api.Leadership held = null;
                    for (Candidate c : among) {
                        if (c.crashed()) {
                            continue;
                        }
                        Optional<io.elector.api.Leadership> l = c.election(name).leadership();
                        if (l.isPresent()) {
                            if (only != null) {
                                return false;
                            }
                            only = c;
                            held = l.get();
                        }
                    }
                    if (only == null) {
                        return false;
                    }
                    only.saw(name, held);
                    found.set(only);
                    return true;
                });
        return found.get();
    }

    /** Waits until a candidate other than {@code old} leads. */
    public Candidate awaitNewLeader(String name, List<Candidate> among, Candidate old, Duration timeout) {
        List<Candidate> others = new ArrayList<>(among);
        others.remove(old);
        return awaitLeader(name, others, timeout);
    }

    /** Crashes a candidate's backend like a kill -9: no release, no traffic. */
    public void crash(Candidate c) {
        c.markCrashed();
        fixture.crash(c.backend());
    }

    /** The time for a leader to be sure to reach its deadline, plus slack for a loaded machine. */
    public Duration leaseWithSlack() {
        return settings.leaseDuration().plus(Duration.ofSeconds(2));
    }

    /** Runs the history checker over everything recorded. */
    public HistoryReport checkHistory() {
        return HistoryChecker.standard().check(recorder.records());
    }

    public Optional<Candidate> byId(String id) {
        return candidates.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** Closes every candidate, then their runtimes, so that no thread outlives the test. */
    @Override
    public void close() {
        for (Candidate c : candidates) {
            try {
                c.elector().close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ElectionHarness.class).warn("closing {} failed", c, e);
            }
        }
        runtimes.forEach(ElectorRuntime::close);
    }
}
