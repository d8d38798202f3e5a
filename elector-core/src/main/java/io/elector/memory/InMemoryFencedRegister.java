package io.elector.memory;

import io.elector.api.FencedResource;
import io.elector.api.StaleTokenException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A fenced value in memory: each write carries its writer's fencing token, checked and applied
 * under one lock, so a stale leader's write is refused even if it was paused between deciding to
 * write and writing.
 *
 * @param <V> the value type
 */
public final class InMemoryFencedRegister<V> implements FencedResource<InMemoryFencedRegister.Guard<V>> {
    private final String name;
    private V value;
    private long highestToken;
    private boolean written;
    private final List<Long> acceptedTokens = new ArrayList<>();

    public InMemoryFencedRegister(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guard<V> guard(long fencingToken) {
        return new Guard<>(this, fencingToken);
    }

    /** The current value. */
    public synchronized Optional<V> value() {
        return Optional.ofNullable(value);
    }

    /** The highest token that has written (0 if none). */
    public synchronized long highestToken() {
        return highestToken;
    }

    /** Every accepted write's token, in order of acceptance. */
    public synchronized List<Long> acceptedTokens() {
        return List.copyOf(acceptedTokens);
    }

    private synchronized V apply(long token, UnaryOperator<V> update) {
        if (written && token < highestToken) {
            throw new StaleTokenException(name, token, highestToken);
        }
        value = update.apply(value);
        highestToken = token;
        written = true;
        acceptedTokens.add(token);
        return value;
    }

    /** A write permission for one token; the check happens inside the write. */
    public static final class Guard<V> {
        private final InMemoryFencedRegister<V> register;
        private final long token;

        private Guard(InMemoryFencedRegister<V> register, long token) {
            this.register = register;
            this.token = token;
        }

        /** Sets the value, or throws {@link StaleTokenException} and changes nothing. */
        public void set(V v) {
            register.apply(token, old -> v);
        }

        /** Updates the value atomically, or throws {@link StaleTokenException}. */
        public V update(UnaryOperator<V> f) {
            return register.apply(token, f);
        }

        public long token() {
            return token;
        }
    }
}
