package io.elector.jdbc;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;

/** The conformance suite on the real PostgreSQL server ({@code ELECTOR_PG_URL}). */
class PostgresConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new JdbcFixture(Databases.postgres());
    }
}
