package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE} with the packaged jar: values used, precedence, and bad files. */
class ConfigFileIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config(String text) throws Exception {
        return Files.writeString(dir.resolve("elector.properties"), text);
    }

    /** Runs {@code elector run} printing what its command sees; returns stdout. */
    private String runPrinting(Map<String, String> env, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--", "sh", "-c", "echo $ELECTOR_ELECTION $ELECTOR_CANDIDATE"));
        try (ElectorProcess p = ElectorProcess.start(dir, "run", env, all.toArray(String[]::new))) {
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isZero();
            return p.stdout().strip();
        }
    }

    @Test
    void valuesComeFromTheFileAndTheCommandLineAndEnvironmentWin() throws Exception {
        Path f = config("""
                # shared settings
                backend = memory:
                election=plain
                run.election=for-run
                candidate=node-7
                run.grace=300ms
                lease=2s
                """);
        // A command-specific key wins over the plain key.
        assertThat(runPrinting(Map.of(), "run", "--config", f.toString())).isEqualTo("for-run node-7");
        // The command line wins over the file.
        assertThat(runPrinting(Map.of(), "run", "--config", f.toString(), "-e", "cli", "--candidate", "c"))
                .isEqualTo("cli c");
        // ELECTOR_ELECTION wins over the file; ELECTOR_CONFIG names the file.
        assertThat(runPrinting(Map.of("ELECTOR_ELECTION", "env", "ELECTOR_CONFIG", f.toString()), "run"))
                .isEqualTo("env node-7");
        // status has no run.* keys: it uses the plain election.
        try (ElectorProcess p =
                ElectorProcess.start(dir, "status", "status", "--config", f.toString(), "--timeout", "200ms")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(1);
            assertThat(p.stdout()).contains("election plain: nobody leads");
        }
    }

    @Test
    void badFilesGiveOneLineNamingTheKeyAndTheFile() throws Exception {
        assertBad(
                "backend=memory:\nelection=a\nlease=soon\n",
                new String[] {"run"},
                "key 'lease': Invalid value for option '--lease': 'soon' is not a duration");
        assertBad(
                "backend=memory:\nelection=a\non-exit=never\n",
                new String[] {"run"},
                "--on-exit must be exit, resign or rerun: 'never' (--on-exit from key 'on-exit' in config file");
        assertBad("backend=memory:\nelektion=a\n", new String[] {"status"}, "unknown key 'elektion'");
        assertBad(
                "backend=memory:\nverify.nodes=many\n",
                new String[] {"verify"},
                "key 'verify.nodes': Invalid value for option '--nodes': 'many' is not an int");
        assertBad("backend=nosuch://x\nelection=a\n", new String[] {"status"}, "unknown backend scheme 'nosuch:'");
        // A bad value on the command line is the command line's fault, even when the file sets that option.
        Path good = config("backend=memory:\nelection=a\nlease=5s\n");
        try (ElectorProcess p = ElectorProcess.start(
                dir, "cli-bad", "run", "--config", good.toString(), "--lease", "soon", "--", "true")) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(2);
            assertThat(p.stderr().lines().toList()).hasSize(1);
            assertThat(p.stderr())
                    .contains("Invalid value for option '--lease': 'soon'")
                    .doesNotContain("config file");
        }
        try (ElectorProcess p = ElectorProcess.start(
                dir,
                "missing",
                "status",
                "--config",
                dir.resolve("nope.properties").toString())) {
            assertThat(p.awaitExit(WAIT)).isEqualTo(2);
            assertThat(p.stderr().lines().toList()).hasSize(1);
            assertThat(p.stderr()).contains("cannot read config file").contains("nope.properties: no such file");
        }
    }

    private void assertBad(String text, String[] command, String expected) throws Exception {
        Path f = config(text);
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of("--config", f.toString()));
        if (command[0].equals("run")) {
            args.addAll(List.of("--", "true"));
        }
        try (ElectorProcess p = ElectorProcess.start(dir, "bad", args.toArray(String[]::new))) {
            assertThat(p.awaitExit(WAIT)).as(p.stderr()).isEqualTo(2);
            List<String> lines = p.stderr().lines().toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .contains(expected)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
            if (!expected.startsWith("unknown backend")) {
                assertThat(lines.get(0)).contains(f.toString());
            }
        }
    }

    @Test
    void helpListsTheOption() throws Exception {
        try (ElectorProcess p = ElectorProcess.start(dir, "help", "run", "--help")) {
            assertThat(p.awaitExit(WAIT)).isZero();
            assertThat(p.stdout()).contains("--config=FILE");
        }
    }
}
