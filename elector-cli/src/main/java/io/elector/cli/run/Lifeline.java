package io.elector.cli.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The user's command, started under a small bash watchdog that kills it even when this JVM cannot:
 * the watchdog reads "time left" lines from a pipe fed by this process, and stops the command
 * (SIGTERM to its whole process group, SIGKILL after the grace period) as soon as
 *
 * <ul>
 *   <li>the pipe reaches end of file: this process died (kill -9, OOM killer) or asked to stop, or
 *   <li>no new line arrived before the time left ran out: this process is frozen (SIGSTOP, a long
 *       GC pause) or could not renew, or
 *   <li>it reads {@code stop}.
 * </ul>
 *
 * So the command is gone by the deadline the last heartbeat allowed for, whatever happens to the
 * JVM. The command runs in its own process group, with stdin from {@code /dev/null}; its stdout and
 * stderr are this process's. Needs {@code bash} on the PATH (for {@code read -t} with fractions).
 *
 * <p>Not covered: the watchdog shell itself being killed with SIGKILL; then the command outlives it.
 */
final class Lifeline {
    /**
     * $1 grace in ms, $2 seconds until SIGTERM, then the command. The monitor subshell gets the
     * pipe as fd 3 explicitly: bash gives background jobs /dev/null as stdin otherwise.
     */
    static final String WATCHDOG = String.join(
            "\n",
            "gracems=$1; secs=$2; shift 2",
            "exec 3<&0",
            "set -m",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "set +m",
            "(",
            "  while IFS= read -r -t \"$secs\" line; do",
            "    case $line in stop) break ;; *) secs=$line ;; esac",
            "  done",
            "  kill -TERM -- -\"$child\" 2>/dev/null",
            "  end=$(( ${EPOCHREALTIME//[!0-9]/} + gracems * 1000 ))",
            "  for ((i = 0; i < gracems / 10 + 10; i++)); do",
            "    kill -0 -- -\"$child\" 2>/dev/null || exit 0",
            "    (( ${EPOCHREALTIME//[!0-9]/} >= end )) && break",
            "    sleep 0.02",
            "  done",
            "  kill -KILL -- -\"$child\" 2>/dev/null",
            ") <&3 &",
            "monitor=$!",
            "exec 3<&-",
            "{ wait \"$child\"; } 2>/dev/null",
            "status=$?",
            "{ kill -KILL \"$monitor\"; wait \"$monitor\"; } 2>/dev/null",
            // Whatever the command left behind in its group does not outlive it either.
            "kill -KILL -- -\"$child\" 2>/dev/null",
            "exit $status",
            "");

    private final Process process;
    private final long token;
    private final OutputStream pipe;
    private final long startedNanos = System.nanoTime();
    private boolean stopSent;

    private Lifeline(Process process, long token) {
        this.process = process;
        this.token = token;
        this.pipe = process.getOutputStream();
    }

    /**
     * Starts {@code command} with {@code env} added to this process's environment.
     *
     * @param grace time between SIGTERM and SIGKILL
     * @param termIn time until the watchdog sends SIGTERM unless a heartbeat extends it
     * @param token the fencing token of the leadership the command runs under
     * @throws IOException if bash cannot be started
     */
    static Lifeline start(List<String> command, Map<String, String> env, Duration grace, Duration termIn, long token)
            throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("bash");
        argv.add("-c");
        argv.add(WATCHDOG);
        argv.add("elector-watchdog");
        argv.add(Long.toString(grace.toMillis()));
        argv.add(seconds(termIn));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        return new Lifeline(pb.start(), token);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0.001, d.toNanos() / 1e9));
    }

    /** The fencing token of the leadership this run belongs to. */
    long token() {
        return token;
    }

    /** The watchdog's pid (the command is its child). */
    long pid() {
        return process.pid();
    }

    /** The pid of the command itself, when it has started. */
    long commandPid() {
        return process.children().findFirst().map(ProcessHandle::pid).orElse(-1L);
    }

    /** Completes with the command's exit status (128 + n when killed by signal n). */
    CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long ageNanos() {
        return System.nanoTime() - startedNanos;
    }

    /** Allows the command to run for {@code termIn} more before SIGTERM. */
    void heartbeat(Duration termIn) {
        write(seconds(termIn) + "\n");
    }

    /** Asks the watchdog to stop the command now (SIGTERM, then SIGKILL after the grace period). */
    void stop() {
        if (!stopSent) {
            stopSent = true;
            write("stop\n");
            try {
                pipe.close();
            } catch (IOException e) {
                // The watchdog is gone already; closing is best effort.
            }
        }
    }

    boolean stopSent() {
        return stopSent;
    }

    /**
     * The last resort when the watchdog did not finish in time: SIGKILL to the command's process
     * tree and to the watchdog.
     */
    void killNow() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void write(String line) {
        if (stopSent && !line.equals("stop\n")) {
            return;
        }
        try {
            pipe.write(line.getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            // The watchdog has exited (the command ended); its exit is reported through onExit().
        }
    }
}
