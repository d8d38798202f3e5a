package io.elector.api;

/** Undoes a registration (a listener, a watch, leader-only work). Idempotent. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
