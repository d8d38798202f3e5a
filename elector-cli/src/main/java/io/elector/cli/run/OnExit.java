package io.elector.cli.run;

/** What {@code elector run} does when the command exits on its own while this process leads. */
public enum OnExit {
    /** Resign and exit with the command's exit status (like {@code etcdctl lock}). */
    EXIT,
    /** Resign, so another candidate takes over at once, and stay a candidate (run again when elected). */
    RESIGN,
    /** Stay leader and start the command again after {@code --rerun-delay}. */
    RERUN
}
