package io.elector.testkit;

/** The in-memory backend passes the whole conformance suite. */
class InMemoryConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new InMemoryFixture();
    }
}
