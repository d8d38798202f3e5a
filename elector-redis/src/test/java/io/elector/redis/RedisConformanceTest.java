package io.elector.redis;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;

/** The conformance suite on the real Redis (ELECTOR_REDIS_URL or 127.0.0.1:6379). */
class RedisConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new RedisFixture();
    }
}
