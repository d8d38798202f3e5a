package io.elector.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An {@code elector} process started from the packaged jar, with its output in files. Stopped by PID. */
final class ElectorProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("elector.jar", "target/elector.jar"));

    private final Process process;
    private final Path out;
    private final Path err;

    private ElectorProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static ElectorProcess start(Path dir, String name, Map<String, String> env, String... args) {
        List<String> cmd =
                new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("ELECTOR_BACKEND");
        pb.environment().remove("ELECTOR_ELECTION");
        pb.environment().putAll(env);
        try {
            return new ElectorProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ElectorProcess start(Path dir, String name, String... args) {
        return start(dir, name, Map.of(), args);
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Waits for exit, at most {@code timeout}; returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("elector did not exit within " + timeout + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    /** Waits until stderr contains {@code text}. */
    void awaitStderr(String text, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(50))
                .failFast("elector exited: " + text, () -> !process.isAlive() && !stderr().contains(text))
                .until(() -> stderr().contains(text));
    }

    void signal(String sig) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
