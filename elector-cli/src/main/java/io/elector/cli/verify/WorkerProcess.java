package io.elector.cli.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running candidate process: started with {@code java -cp <this class path> io.elector.cli.Main
 * verify-worker ...}; its stdout lines go to a listener; it is stopped by PID (kill -9, SIGSTOP,
 * SIGCONT), never by name.
 */
final class WorkerProcess {
    private final String candidate;
    private final Process process;
    private final Writer stdin;
    private volatile boolean paused;

    private WorkerProcess(String candidate, Process process) {
        this.candidate = candidate;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts a worker with {@code args} after {@code verify-worker}; stdout lines go to {@code lines}. */
    static WorkerProcess start(String candidate, List<String> args, Path log, Consumer<String> lines)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.elector.cli.Main");
        cmd.add("verify-worker");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        WorkerProcess w = new WorkerProcess(candidate, p);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            lines.accept(candidate + " " + line);
                        }
                    } catch (IOException e) {
                        // process gone
                    }
                },
                "worker-out-" + candidate);
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    String candidate() {
        return candidate;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    boolean paused() {
        return paused;
    }

    /** Sends one line on stdin ({@code resign}, {@code quit}). */
    synchronized void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            // the process is gone; nothing to tell it
        }
    }

    /** kill -9 by PID; waits (bounded) until it is gone. */
    void kill() {
        if (paused) {
            signal("CONT");
            paused = false;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process freezes, as in a long GC pause. */
    void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT. */
    void resume() {
        signal("CONT");
        paused = false;
    }

    /** Asks it to quit, then kills it if it has not exited within {@code graceMillis}. */
    void stop(long graceMillis) {
        if (paused) {
            resume();
        }
        send("quit");
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** CPU time (user + system) consumed so far, in clock ticks, from /proc; -1 if unknown. */
    long cpuTicks() {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void signal(String sig) {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + sig + " to " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
