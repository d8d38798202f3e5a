package io.elector.spring;

import io.elector.api.Leadership;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link LeaderOnly} calls running now in one election, so that a revocation can interrupt
 * their threads. Thread-safe.
 *
 * <p>A call registers before it checks that its leadership is still valid, and the revocation
 * marks the leadership invalid before it interrupts: so either the call sees the leadership invalid
 * and does not run, or the revocation sees the call and interrupts it.
 */
final class LeaderCalls {
    private final Set<Call> running = ConcurrentHashMap.newKeySet();

    /** One call on one thread. Its lock orders "interrupt" against "done". */
    static final class Call {
        private final Thread thread = Thread.currentThread();
        private final long token;
        private final boolean wasInterrupted = Thread.currentThread().isInterrupted();
        private boolean done;
        private boolean interrupted;

        private Call(long token) {
            this.token = token;
        }

        synchronized void interrupt() {
            if (!done) {
                interrupted = true;
                thread.interrupt();
            }
        }

        /** Ends the call on its own thread: clears an interrupt we caused, keeps one that was there. */
        void finish() {
            synchronized (this) {
                done = true;
                if (interrupted) {
                    Thread.interrupted();
                }
            }
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** True if this call was interrupted because its leadership ended. */
        synchronized boolean interruptedByLoss() {
            return interrupted;
        }
    }

    Call enter(Leadership leadership) {
        Call c = new Call(leadership.fencingToken());
        running.add(c);
        return c;
    }

    void exit(Call c) {
        running.remove(c);
        c.finish();
    }

    /** Interrupts every call running under {@code token}. */
    void revoked(long token) {
        for (Call c : running) {
            if (c.token == token) {
                c.interrupt();
            }
        }
    }

    /** Interrupts every call (shutdown). */
    void interruptAll() {
        running.forEach(Call::interrupt);
    }

    boolean isEmpty() {
        return running.isEmpty();
    }
}
