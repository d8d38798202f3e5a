package io.elector.testkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a benchmark starts (a candidate JVM, or a peer tool such as {@code etcdctl}), whose
 * stdout lines a daemon thread stamps and adds to a {@link ChildLines}. It can be told things on its
 * stdin, killed with SIGKILL by PID, or stopped by closing its stdin.
 */
public final class ChildProcess {
    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    /**
     * {@code java -Xmx<maxHeap> -XX:+UseSerialGC} (SLF4J simple logger at warn) running {@code main}
     * with {@code args} on this JVM's class path; its stderr is discarded.
     */
    public static ProcessBuilder javaCommand(String maxHeap, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + maxHeap,
                "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /**
     * Starts {@code command} as child {@code index}: each line it prints goes to {@code lines}, its
     * first word as the kind.
     */
    public static ChildProcess start(int index, ProcessBuilder command, ChildLines lines) throws IOException {
        Process p = command.start();
        read(index, p, lines, null);
        return new ChildProcess(p);
    }

    /**
     * Starts {@code command} as child {@code index}; only its first line goes to {@code lines}, as
     * {@code kind} (for a tool that prints once it leads, e.g. {@code etcdctl elect}).
     */
    public static ChildProcess startFirstLineAs(int index, ProcessBuilder command, ChildLines lines, String kind)
            throws IOException {
        Process p = command.start();
        read(index, p, lines, kind);
        return new ChildProcess(p);
    }

    private static void read(int index, Process p, ChildLines lines, String firstLineKind) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String s;
                        boolean first = true;
                        while ((s = r.readLine()) != null) {
                            long at = System.nanoTime();
                            if (firstLineKind == null) {
                                lines.add(new ChildLine(index, s.split(" ")[0], at, s));
                            } else if (first) {
                                lines.add(new ChildLine(index, firstLineKind, at, s));
                            }
                            first = false;
                        }
                    } catch (IOException e) {
                        // the child is gone
                    }
                },
                "child-" + index);
        reader.setDaemon(true);
        reader.start();
    }

    /** The process, e.g. for its CPU time. */
    public Process process() {
        return process;
    }

    /** Writes {@code command} and a newline to its stdin. */
    public void send(String command) throws IOException {
        OutputStream o = process.getOutputStream();
        o.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    /** kill -9 (SIGKILL to its PID), then waits up to 10 s for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Closes its stdin so it exits by itself, then kills it by PID if it has not within 5 s. */
    public void stop() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
