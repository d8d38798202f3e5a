package io.elector.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Creates a table when it is absent, safely when several processes start at once: {@code CREATE
 * TABLE IF NOT EXISTS} can still fail when two sessions race (PostgreSQL reports a duplicate in its
 * catalog), so a failure is followed by a check that the table now exists.
 */
final class Schema {
    private static final Pattern TABLE =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Schema() {}

    /** Returns {@code table} if it is a plain (optionally schema-qualified) identifier, else throws. */
    static String checkTableName(String what, String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException(what + " must be an SQL identifier of letters, digits and '_'"
                    + " (optionally schema.table), at most 63 characters each: "
                    + (table == null ? "null" : "'" + table + "'"));
        }
        return table;
    }

    static boolean exists(Connection c, String table, int timeoutSeconds) {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            st.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Makes sure {@code table} exists, creating it with {@code ddl} if needed. */
    static void ensure(Connection c, String table, List<String> ddl, int timeoutSeconds) throws SQLException {
        if (exists(c, table, timeoutSeconds)) {
            return;
        }
        SQLException last = null;
        // Bounded: a racing creator either wins (we then see the table) or fails the same way.
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(timeoutSeconds);
                for (String sql : ddl) {
                    st.execute(sql);
                }
                return;
            } catch (SQLException e) {
                last = e;
                if (exists(c, table, timeoutSeconds)) {
                    return;
                }
            }
        }
        throw last;
    }
}
