package io.elector.spi;

/** Stops an observation. */
@FunctionalInterface
public interface ObserverSession {
    void close();
}
