package io.elector.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README example runs and behaves as the README says. */
class QuickStartTest {
    @Test
    void readmeExampleHandsOverWithAHigherTokenAndRefusesTheStaleWrite() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean ok = QuickStart.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(out).isTrue();
        assertThat(out)
                .contains("elected, fencing token 1")
                .contains("stepped down (RESIGNED)")
                .contains("refused: stale fencing token 1");
    }
}
