package io.elector.spring;

/**
 * {@link TwoInstancesContract} on the real PostgreSQL server ({@code ELECTOR_PG_URL}, default
 * {@code postgresql://127.0.0.1:5432/test?user=postgres}); skipped when absent unless {@code CI=true}.
 */
class PostgresTwoInstancesTest extends TwoInstancesContract {
    @Override
    String backendUri() {
        return Servers.postgres();
    }
}
