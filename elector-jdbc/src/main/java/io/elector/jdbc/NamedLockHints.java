package io.elector.jdbc;

import io.elector.api.LeaderInfo;
import io.elector.spi.ReleaseNotice;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Release hints on MySQL/MariaDB through named locks ({@code GET_LOCK}), which have no LISTEN/NOTIFY.
 * A <b>hint only</b>: the lease row's compare-and-set, judged by the database clock, stays the only
 * source of leadership. A hint only makes a waiting candidate retry its acquire at once.
 *
 * <ul>
 *   <li><b>Holder side.</b> One connection and one thread per store keep one named lock per
 *       election this process holds ({@code GET_LOCK(name, 0)}, several per statement; MariaDB
 *       &ge; 10.0.2 and MySQL &ge; 5.7.5 allow many locks per session). Locks are taken after the
 *       lease is won and released ({@code RELEASE_LOCK}) right after the release statement, when a
 *       renewal reports the lease lost, when another holder is seen, or when no renewal confirmed
 *       the lease for one lease duration. The wanted set is declarative: the thread reconciles the
 *       locks it holds with it, so calls from the lease engine only update a map and never block.
 *   <li><b>Waiter side.</b> For each election this process waits on (at most {@code maxWaiters};
 *       beyond that it just polls), a daemon thread on its own connection checks that someone
 *       holds the lock ({@code IS_USED_LOCK}) and then blocks in {@code GET_LOCK(name, 5)}; once
 *       it gets the lock it releases it at once and fires the release notice. A free lock is not a
 *       release (the holder may not have taken it yet, or may run without hints): the waiter then
 *       checks again with a growing pause (100 ms to 2 s).
 * </ul>
 *
 * <p>A crashed holder's session also frees its locks: the notice then makes waiting candidates
 * retry, they find the lease still valid and wait for its expiry as before. This is not a crash
 * failover shortcut, on purpose (see the module README: a freed session lock does not prove the
 * holder has stopped acting as leader).
 *
 * <p>Everything fails soft: a failure to connect or to lock is logged once and the store polls as
 * before; threads reconnect with a capped backoff.
 */
final class NamedLockHints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NamedLockHints.class);

    /** The default number of elections per process watched by a waiter. */
    static final int DEFAULT_MAX_WAITERS = 4;
    /** One {@code GET_LOCK} wait of a waiter, in seconds (bounded loop; checks for close between). */
    static final int WAIT_SECONDS = 5;

    private static final int LOCKS_PER_STATEMENT = 100;
    private static final long RETAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_STALE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Opens a dedicated connection (outside the lease calls' pool when possible). */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final String table;
    private final int maxWaiters;
    private final int queryTimeoutSeconds;
    private final Consumer<ReleaseNotice> sink;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread holder;
    private final java.util.concurrent.atomic.AtomicLong notices = new java.util.concurrent.atomic.AtomicLong();

    // Guarded by this.
    private final Map<String, Want> wanted = new HashMap<>();
    private final Map<String, Waiter> waiters = new HashMap<>();
    private boolean overCapLogged;
    private boolean unavailableLogged;
    private boolean changed;

    // Holder thread only.
    private final Set<String> locked = new HashSet<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private volatile Connection holderConn;
    private long lastPing;

    /** One election this process holds: the token it holds it with and when that was last confirmed. */
    private static final class Want {
        long token;
        long ttlNanos;
        long confirmedAt;

        Want(long token, long ttlNanos, long confirmedAt) {
            this.token = token;
            this.ttlNanos = ttlNanos;
            this.confirmedAt = confirmedAt;
        }
    }

    NamedLockHints(
            Connector connector, String table, int maxWaiters, int queryTimeoutSeconds, Consumer<ReleaseNotice> sink) {
        this.connector = connector;
        this.table = table;
        this.maxWaiters = maxWaiters;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.sink = sink;
        this.holder = new Thread(this::runHolder, "elector-jdbc-locks-" + table);
        this.holder.setDaemon(true);
    }

    void start() {
        holder.start();
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** The lock name of {@code election}: 8 + 40 characters, within MySQL's 64; case never matters. */
    static String lockName(String table, String election) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h =
                    md.digest((table.toLowerCase(Locale.ROOT) + "\u0000" + election).getBytes(StandardCharsets.UTF_8));
            return "elector:" + HexFormat.of().formatHex(h, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    // ---- calls from the store (never block on I/O) ----

    /** This process won {@code election} with {@code token} (the acquire was sent at {@code sentNanos}). */
    synchronized void acquired(String election, long token, Duration ttl, long sentNanos) {
        if (isClosed()) {
            return;
        }
        wanted.put(election, new Want(token, ttl.toNanos(), sentNanos));
        stopWaiter(election);
        signal();
    }

    /** A renewal sent at {@code sentNanos} kept ({@code kept}) or lost the lease with {@code token}. */
    synchronized void renewed(String election, long token, boolean kept, long sentNanos) {
        Want w = wanted.get(election);
        if (w == null || w.token != token) {
            return;
        }
        if (kept) {
            w.confirmedAt = sentNanos;
        } else {
            wanted.remove(election);
            signal();
        }
    }

    /** The lease with {@code token} was released (or the release was at least tried). */
    synchronized void released(String election, long token) {
        Want w = wanted.get(election);
        if (w != null && w.token == token) {
            wanted.remove(election);
            signal();
            // Watch for the next holder's release at once: this process stays out for a while after a
            // resign (the engine's hold-off) and makes no acquire that would start a waiter, but the
            // next leader's release (a greater token) ends that hold-off.
            if (!isClosed()) {
                watch(election, Math.max(MIN_STALE_NANOS, 3 * w.ttlNanos), System.nanoTime());
            }
        }
    }

    /**
     * An acquire found {@code election} held by {@code holder} (null: not live). Drops our own lock
     * if the holder is not us, and starts watching the election if someone else holds it.
     */
    synchronized void observed(String election, LeaderInfo holder, Duration ttl, long nowNanos) {
        if (isClosed()) {
            return;
        }
        Want w = wanted.get(election);
        if (w != null) {
            if (holder != null && holder.fencingToken() == w.token) {
                return; // another candidate of this process; we still hold it
            }
            wanted.remove(election);
            signal();
        }
        if (holder == null) {
            return;
        }
        watch(election, Math.max(MIN_STALE_NANOS, 3 * ttl.toNanos()), nowNanos);
    }

    /** Starts (or refreshes) the waiter of {@code election}, within {@code maxWaiters}. */
    private void watch(String election, long staleAfter, long nowNanos) {
        Waiter existing = waiters.get(election);
        if (existing != null) {
            existing.touch(nowNanos, staleAfter);
            return;
        }
        if (waiters.size() >= maxWaiters) {
            if (!overCapLogged) {
                overCapLogged = true;
                log.info(
                        "mysql release hints: waiting on more than {} elections of {}; the others hand over at the"
                                + " retry interval",
                        maxWaiters,
                        table);
            }
            return;
        }
        Waiter n = new Waiter(election, nowNanos, staleAfter);
        waiters.put(election, n);
        n.thread.start();
    }

    /** Elections watched by a waiter right now (for tests). */
    synchronized Set<String> watching() {
        return Set.copyOf(waiters.keySet());
    }

    /** Elections whose waiter is blocked in {@code GET_LOCK} right now (for tests). */
    synchronized Set<String> blocking() {
        Set<String> out = new HashSet<>();
        for (Waiter w : waiters.values()) {
            if (w.inFlight != null) {
                out.add(w.election);
            }
        }
        return out;
    }

    /** Release notices fired by waiters so far (for tests). */
    long notices() {
        return notices.get();
    }

    /** Elections whose lock the holder connection has (for tests). */
    Set<String> lockedForTests() {
        synchronized (locked) {
            return Set.copyOf(locked);
        }
    }

    private void stopWaiter(String election) {
        Waiter w = waiters.remove(election);
        if (w != null) {
            w.cancel();
        }
    }

    private void signal() {
        changed = true;
        notifyAll();
    }

    private synchronized void unavailable(String what, Exception e) {
        if (!unavailableLogged) {
            unavailableLogged = true;
            log.warn(
                    "mysql release hints ({}) failed; handing over at the retry interval until they work again: {}",
                    what,
                    BoundedCalls.describe(e));
        } else {
            log.debug("mysql release hints ({}) failed again: {}", what, BoundedCalls.describe(e));
        }
    }

    // ---- holder thread ----

    private void runHolder() {
        int failures = 0;
        try {
            while (!isClosed()) {
                Set<String> want;
                synchronized (this) {
                    long now = System.nanoTime();
                    // A lease no renewal confirmed for its duration has expired: its lock goes.
                    wanted.values().removeIf(w -> now - w.confirmedAt > w.ttlNanos);
                    want = new HashSet<>(wanted.keySet());
                    changed = false;
                }
                try {
                    reconcile(want);
                    failures = 0;
                } catch (SQLException | RuntimeException e) {
                    failures++;
                    unavailable("lock connection", e);
                    dropHolderConnection();
                }
                synchronized (this) {
                    long wait = failures > 0 ? Math.min(5_000, 100L << Math.min(failures, 6)) : waitMillis(want);
                    if (!changed && !isClosed() && wait > 0) {
                        try {
                            wait(wait);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        } finally {
            releaseAllAndClose();
        }
    }

    private long waitMillis(Set<String> want) {
        synchronized (locked) {
            boolean missing = !locked.containsAll(want);
            if (missing) {
                return RETAKE_NANOS / 1_000_000;
            }
            return locked.isEmpty() ? 1_000 : 500;
        }
    }

    private void reconcile(Set<String> want) throws SQLException {
        List<String> drop = new ArrayList<>();
        List<String> take = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (locked) {
            for (String e : locked) {
                if (!want.contains(e)) {
                    drop.add(e);
                }
            }
            for (String e : want) {
                Long at = retryAt.get(e);
                if (!locked.contains(e) && (at == null || now - at >= 0)) {
                    take.add(e);
                }
            }
            retryAt.keySet().retainAll(want);
        }
        if (drop.isEmpty() && take.isEmpty()) {
            if (!locked.isEmpty() && now - lastPing > PING_NANOS && holderConn != null) {
                // A dead lock connection has lost its locks: find out, reconnect and take them again.
                lastPing = now;
                if (!holderConn.isValid(queryTimeoutSeconds)) {
                    throw new SQLException("lock connection is no longer valid");
                }
            }
            return;
        }
        Connection c = holderConnection();
        for (int i = 0; i < drop.size(); i += LOCKS_PER_STATEMENT) {
            List<String> part = drop.subList(i, Math.min(drop.size(), i + LOCKS_PER_STATEMENT));
            locks(c, "RELEASE_LOCK(?)", part);
            synchronized (locked) {
                part.forEach(locked::remove);
            }
        }
        for (int i = 0; i < take.size(); i += LOCKS_PER_STATEMENT) {
            List<String> part = take.subList(i, Math.min(take.size(), i + LOCKS_PER_STATEMENT));
            List<Integer> got = locks(c, "GET_LOCK(?, 0)", part);
            synchronized (locked) {
                for (int k = 0; k < part.size(); k++) {
                    Integer r = got.get(k);
                    if (r != null && r == 1) {
                        locked.add(part.get(k));
                    } else {
                        // Held elsewhere for a moment (a waiter passing through, or a previous holder
                        // that has not let go yet): try again shortly.
                        retryAt.put(part.get(k), now + RETAKE_NANOS);
                    }
                }
            }
        }
        lastPing = now;
    }

    private List<Integer> locks(Connection c, String fn, List<String> elections) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < elections.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(fn);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            for (int i = 0; i < elections.size(); i++) {
                ps.setString(i + 1, lockName(table, elections.get(i)));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<Integer> out = new ArrayList<>(elections.size());
                for (int i = 0; i < elections.size(); i++) {
                    int v = rs.getInt(i + 1);
                    out.add(rs.wasNull() ? null : v);
                }
                return out;
            }
        }
    }

    private Connection holderConnection() throws SQLException {
        if (holderConn == null) {
            Connection c = connector.open();
            try {
                c.setAutoCommit(true);
                checkVersion(c);
            } catch (SQLException | RuntimeException e) {
                abort(c);
                throw e;
            }
            holderConn = c;
        }
        return holderConn;
    }

    /** The session's locks end with the session: abort (a pooled close would keep the session). */
    private void dropHolderConnection() {
        Connection c = holderConn;
        holderConn = null;
        synchronized (locked) {
            locked.clear();
            retryAt.clear();
        }
        abort(c);
    }

    private void releaseAllAndClose() {
        Connection c = holderConn;
        if (c == null) {
            return;
        }
        List<String> all;
        synchronized (locked) {
            all = new ArrayList<>(locked);
        }
        try {
            for (int i = 0; i < all.size(); i += LOCKS_PER_STATEMENT) {
                locks(c, "RELEASE_LOCK(?)", all.subList(i, Math.min(all.size(), i + LOCKS_PER_STATEMENT)));
            }
            synchronized (locked) {
                locked.clear();
            }
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("releasing the hint locks failed, aborting their connection: {}", e.toString());
            synchronized (locked) {
                locked.clear();
            }
            abort(c);
        } finally {
            holderConn = null;
        }
    }

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Many locks per session: MariaDB 10.0.2, MySQL 5.7.5. Older servers keep only the last one. */
    private static void checkVersion(Connection c) throws SQLException {
        String v;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            v = rs.getString(1);
        }
        Matcher m = VERSION.matcher(v == null ? "" : v);
        if (!m.find()) {
            throw new SQLException("unrecognised server version '" + v + "'");
        }
        int[] have = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        int[] need = v.toLowerCase(Locale.ROOT).contains("mariadb") ? new int[] {10, 0, 2} : new int[] {5, 7, 5};
        for (int i = 0; i < 3; i++) {
            if (have[i] != need[i]) {
                if (have[i] < need[i]) {
                    throw new SQLException("server " + v + " keeps one named lock per session; hints need MariaDB"
                            + " >= 10.0.2 or MySQL >= 5.7.5");
                }
                return;
            }
        }
    }

    /** Aborts {@code c} on another thread: MariaDB Connector/J's abort can wait for a blocked read. */
    private static void abort(Connection c) {
        if (c == null) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    try {
                        c.abort(Runnable::run);
                    } catch (SQLException | RuntimeException e) {
                        try {
                            c.close();
                        } catch (SQLException | RuntimeException ignored) {
                            // Already broken.
                        }
                    }
                },
                "elector-jdbc-abort");
        t.setDaemon(true);
        t.start();
    }

    // ---- waiters ----

    /** Watches one election on its own connection while this process waits on it. */
    private final class Waiter {
        final String election;
        final String name;
        final Thread thread;
        private final CountDownLatch cancelled = new CountDownLatch(1);
        private volatile long lastRequested;
        private volatile long staleAfter;
        private volatile Statement inFlight;
        private volatile Connection conn;

        Waiter(String election, long now, long staleAfter) {
            this.election = election;
            this.name = lockName(table, election);
            this.lastRequested = now;
            this.staleAfter = staleAfter;
            this.thread = new Thread(this::run, "elector-jdbc-wait-" + election);
            this.thread.setDaemon(true);
        }

        void touch(long now, long stale) {
            lastRequested = now;
            staleAfter = stale;
        }

        boolean active() {
            return !isClosed() && cancelled.getCount() > 0 && System.nanoTime() - lastRequested < staleAfter;
        }

        /** Stops the loop; a wait in progress is cancelled (KILL QUERY by the driver) on another thread. */
        void cancel() {
            cancelled.countDown();
            Statement s = inFlight;
            if (s != null) {
                Thread t = new Thread(
                        () -> {
                            try {
                                s.cancel();
                            } catch (SQLException | RuntimeException ignored) {
                                // The wait ends by itself within WAIT_SECONDS.
                            }
                        },
                        "elector-jdbc-cancel");
                t.setDaemon(true);
                t.start();
            }
        }

        private boolean pause(long millis) {
            try {
                return cancelled.await(millis, TimeUnit.MILLISECONDS) || closed.await(0, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return true;
            }
        }

        private void run() {
            Connection c = null;
            boolean clean = true;
            int idle = 0;
            int failures = 0;
            try {
                while (active()) {
                    try {
                        if (c == null) {
                            c = connector.open();
                            conn = c;
                            c.setAutoCommit(true);
                        }
                        if (!lockUsed(c)) {
                            // Not held (yet): nothing to wait for. Look again with a growing pause.
                            if (pause(Math.min(2_000, 100L << Math.min(idle++, 5)))) {
                                break;
                            }
                            continue;
                        }
                        idle = 0;
                        clean = false;
                        Integer got = getLock(c);
                        if (got != null && got == 1) {
                            release(c);
                            clean = true;
                            if (active()) {
                                notices.incrementAndGet();
                                sink.accept(releasedNotice(c));
                            }
                        } else if (got == null) {
                            throw new SQLException("GET_LOCK returned NULL");
                        } else {
                            clean = true;
                        }
                        failures = 0;
                    } catch (SQLException | RuntimeException e) {
                        if (!active()) {
                            break;
                        }
                        failures++;
                        unavailable("waiter", e);
                        abort(c);
                        c = null;
                        conn = null;
                        clean = true;
                        if (pause(Math.min(5_000, 100L << Math.min(failures, 6)))) {
                            break;
                        }
                    }
                }
            } finally {
                synchronized (NamedLockHints.this) {
                    if (waiters.get(election) == this) {
                        waiters.remove(election);
                    }
                }
                if (c != null) {
                    if (clean) {
                        try {
                            c.close();
                        } catch (SQLException | RuntimeException e) {
                            abort(c);
                        }
                    } else {
                        abort(c); // it may hold the lock: end the session
                    }
                }
            }
        }

        /**
         * The notice of the release just seen, with the lease row's token: the released
         * leadership's, or a later one's if someone took the lease since (either way greater than
         * any token this process gave back before the holder took the lock). Without the token if
         * the row cannot be read: the notice still wakes waiters.
         */
        private ReleaseNotice releasedNotice(Connection c) {
            try (PreparedStatement ps = c.prepareStatement("SELECT token FROM " + table + " WHERE election = ?")) {
                ps.setQueryTimeout(queryTimeoutSeconds);
                ps.setString(1, election);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long token = rs.getLong(1);
                        if (!rs.wasNull()) {
                            return ReleaseNotice.of(election, token);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                log.debug("mysql release hint for {}: token not read ({})", election, e.toString());
            }
            return ReleaseNotice.of(election);
        }

        private boolean lockUsed(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
                ps.setQueryTimeout(queryTimeoutSeconds);
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rs.getLong(1);
                    return !rs.wasNull();
                }
            }
        }

        private Integer getLock(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, " + WAIT_SECONDS + ")")) {
                ps.setQueryTimeout(WAIT_SECONDS + queryTimeoutSeconds);
                ps.setString(1, name);
                inFlight = ps;
                if (!active()) {
                    return 0;
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int v = rs.getInt(1);
                    return rs.wasNull() ? null : v;
                }
            } finally {
                inFlight = null;
            }
        }

        private void release(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setQueryTimeout(queryTimeoutSeconds);
                ps.setString(1, name);
                ps.executeQuery().close();
            }
        }
    }

    // ---- close ----

    /** Releases every lock, stops every thread (bounded) and closes the connections. */
    @Override
    public void close() {
        List<Waiter> ws;
        synchronized (this) {
            if (isClosed()) {
                return;
            }
            closed.countDown();
            wanted.clear();
            ws = new ArrayList<>(waiters.values());
            waiters.clear();
            notifyAll();
        }
        for (Waiter w : ws) {
            w.cancel();
        }
        // Normally quick: the holder releases its locks in one statement, waiters are cancelled.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(queryTimeoutSeconds);
        join(holder, until);
        for (Waiter w : ws) {
            join(w.thread, until);
        }
        // Still stuck (a blackholed network): end their sessions, which frees any lock, and move on;
        // the daemon threads end at their socket timeout at the latest.
        if (holder.isAlive()) {
            abort(holderConn);
        }
        for (Waiter w : ws) {
            if (w.thread.isAlive()) {
                abort(w.conn);
            }
        }
        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        join(holder, until);
        for (Waiter w : ws) {
            join(w.thread, until);
        }
    }

    private static void join(Thread t, long untilNanos) {
        long left = untilNanos - System.nanoTime();
        if (left <= 0 || !t.isAlive()) {
            return;
        }
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
