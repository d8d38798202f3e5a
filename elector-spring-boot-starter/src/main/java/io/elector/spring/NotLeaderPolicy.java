package io.elector.spring;

/** What a {@link LeaderOnly} call does on an instance that does not lead the election. */
public enum NotLeaderPolicy {
    /** Use {@code elector.leader-only.when-not-leader} (default {@link #SKIP}). */
    DEFAULT,
    /**
     * Do not run the method; return {@code null}, zero, {@code false} or {@code Optional.empty()}
     * as the return type requires.
     */
    SKIP,
    /** Do not run the method; throw {@link NotLeaderException}. */
    THROW
}
