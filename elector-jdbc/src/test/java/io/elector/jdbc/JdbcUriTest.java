package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcUriTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static JdbcUri parse(String uri) {
        return JdbcUri.parse(uri, NO_ENV::get);
    }

    @Test
    void postgresUriWithUserQuery() {
        JdbcUri u = parse("postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(u.kind()).isEqualTo("postgresql");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(u.user()).isEqualTo("postgres");
        assertThat(u.password()).isNull();
        assertThat(u.table()).isEqualTo("elector_lease");
        assertThat(u.statementTimeout()).isEqualTo(JdbcLeaseStore.DEFAULT_STATEMENT_TIMEOUT);
    }

    @Test
    void mysqlUriWithUserInfoUsesMariaDbDriver() {
        JdbcUri u = parse("mysql://root@127.0.0.1:3306/test");
        assertThat(u.kind()).isEqualTo("mysql");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/test");
        assertThat(u.user()).isEqualTo("root");
    }

    @Test
    void h2Forms() {
        assertThat(parse("h2:tcp://127.0.0.1:9092/./elector").jdbcUrl())
                .isEqualTo("jdbc:h2:tcp://127.0.0.1:9092/./elector");
        assertThat(parse("h2:mem:x").jdbcUrl()).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(parse("h2:file:/tmp/e?table=my_lease").table()).isEqualTo("my_lease");
        assertThat(parse("jdbc:h2:mem:y").kind()).isEqualTo("h2");
    }

    @Test
    void optionsConfigureStoreAndOthersGoToDriver() {
        JdbcUri u = parse("postgresql://h:1/db?table=app.leases&statementTimeout=750&sslmode=disable");
        assertThat(u.table()).isEqualTo("app.leases");
        assertThat(u.statementTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(u.driverProperties()).containsExactly(Map.entry("sslmode", "disable"));
        assertThat(parse("mysql://h/db?statementTimeout=PT1S").statementTimeout())
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void passwordNeverShownAndTakenFromUriOrEnvironment() {
        JdbcUri u = parse("postgresql://app:s3cret@127.0.0.1:5432/test");
        assertThat(u.password()).isEqualTo("s3cret");
        assertThat(u.toString()).doesNotContain("s3cret").contains("app:***@");
        JdbcUri q = parse("mysql://127.0.0.1/test?user=a&password=hunter2");
        assertThat(q.password()).isEqualTo("hunter2");
        assertThat(q.toString()).doesNotContain("hunter2");
        JdbcUri e = JdbcUri.parse("postgresql://127.0.0.1/test", Map.of("PGUSER", "pg", "PGPASSWORD", "fromenv")::get);
        assertThat(e.user()).isEqualTo("pg");
        assertThat(e.password()).isEqualTo("fromenv");
        assertThat(e.toString()).doesNotContain("fromenv");
        JdbcUri m = JdbcUri.parse("mysql://root@127.0.0.1/test", Map.of("MYSQL_PWD", "pw")::get);
        assertThat(m.password()).isEqualTo("pw");
    }

    @Test
    void badInputIsRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> parse("redis://127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a database backend URI");
        assertThatThrownBy(() -> parse("postgresql://u:topsecret@/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> parse("postgresql://h/db?table=x;drop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table");
        assertThatThrownBy(() -> parse("postgresql://h/db?statementTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statementTimeout");
        assertThat(JdbcUri.handles("postgresql://x/y")).isTrue();
        assertThat(JdbcUri.handles("etcd://x")).isFalse();
    }
}
