package io.elector.jdbc;

import io.elector.testkit.BackendFixture;
import io.elector.testkit.ElectionConformanceSuite;

/** The conformance suite on the real MariaDB/MySQL server ({@code ELECTOR_MYSQL_URL}). */
class MariaDbConformanceTest extends ElectionConformanceSuite {
    @Override
    protected BackendFixture createFixture() {
        return new JdbcFixture(Databases.mysql());
    }
}
