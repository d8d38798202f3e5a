package io.elector.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shipped SQL files are exactly what the store would create, for the default table names. */
class SchemaFilesTest {
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void shippedSchemaMatchesTheGeneratedDdl(Dialect d) throws IOException {
        String file;
        try (InputStream in = Dialect.class.getResourceAsStream(d.schemaResource())) {
            assertThat(in).as(d.schemaResource()).isNotNull();
            file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = new ArrayList<>();
        for (String s : file.replaceAll("(?m)^--.*$", "").split(";")) {
            if (!s.isBlank()) {
                statements.add(s.strip());
            }
        }
        List<String> expected = new ArrayList<>(d.createLeaseTable(JdbcLeaseStore.DEFAULT_TABLE));
        expected.addAll(d.createFenceTable(JdbcFencedResource.DEFAULT_TABLE));
        assertThat(statements).containsExactlyElementsOf(expected);
    }
}
