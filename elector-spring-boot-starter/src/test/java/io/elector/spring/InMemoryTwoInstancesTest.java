package io.elector.spring;

/** {@link TwoInstancesContract} on {@code memory:} (the JVM-wide in-memory store). */
class InMemoryTwoInstancesTest extends TwoInstancesContract {
    @Override
    String backendUri() {
        return "memory:";
    }
}
