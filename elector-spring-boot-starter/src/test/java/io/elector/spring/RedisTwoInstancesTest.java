package io.elector.spring;

/**
 * {@link TwoInstancesContract} on the real Redis server ({@code ELECTOR_REDIS_URL}, default {@code
 * redis://127.0.0.1:6379}); skipped when absent unless {@code CI=true}.
 */
class RedisTwoInstancesTest extends TwoInstancesContract {
    @Override
    String backendUri() {
        return Servers.redis();
    }
}
