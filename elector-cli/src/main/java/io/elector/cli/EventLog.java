package io.elector.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * One line per event, for a person to follow: {@code 12:00:01.234 [node-1] elected token=7}.
 * Thread-safe (each line is one print call).
 */
public final class EventLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintStream out;
    private final String who;

    public EventLog(PrintStream out, String who) {
        this.out = out;
        this.who = who;
    }

    /** Prints one event line. */
    public void event(String what) {
        out.println(LocalTime.now().format(TIME) + " [" + who + "] " + what);
        out.flush();
    }
}
