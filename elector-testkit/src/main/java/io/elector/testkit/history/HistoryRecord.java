package io.elector.testkit.history;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a history file. Times are nanoseconds since the Unix epoch on the machine's real wall
 * clock (shared by every process of one machine), never on an injected or skewed clock.
 *
 * <ul>
 *   <li>{@code kind = "leadership"}: {@code election, candidate, process, token, start, end, reason}.
 *       {@code end == null} marks a leadership seen to start whose end was not recorded (the process
 *       may have been killed); the checker ends it at the process's {@code "killed"} record.
 *   <li>{@code kind = "write"}: {@code resource, candidate, process, token, at, accepted}.
 *   <li>{@code kind = "killed"}: {@code process, at}: the harness killed the process then.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRecord(
        String kind,
        String election,
        String candidate,
        String process,
        Long token,
        Long start,
        Long end,
        String reason,
        String resource,
        Long at,
        Boolean accepted) {

    public static HistoryRecord leadershipStart(
            String election, String candidate, String process, long token, long start) {
        return new HistoryRecord(
                "leadership", election, candidate, process, token, start, null, null, null, null, null);
    }

    public static HistoryRecord leadership(
            String election, String candidate, String process, long token, long start, long end, String reason) {
        return new HistoryRecord(
                "leadership", election, candidate, process, token, start, end, reason, null, null, null);
    }

    public static HistoryRecord write(
            String resource, String candidate, String process, long token, long at, boolean accepted) {
        return new HistoryRecord("write", null, candidate, process, token, null, null, null, resource, at, accepted);
    }

    public static HistoryRecord killed(String process, long at) {
        return new HistoryRecord("killed", null, null, process, null, null, null, null, null, at, null);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(kind).append('{');
        if (election != null) b.append("election=").append(election).append(' ');
        if (resource != null) b.append("resource=").append(resource).append(' ');
        if (candidate != null) b.append("candidate=").append(candidate).append(' ');
        if (process != null) b.append("process=").append(process).append(' ');
        if (token != null) b.append("token=").append(token).append(' ');
        if (start != null) b.append("start=").append(Wall.format(start)).append(' ');
        if (end != null) b.append("end=").append(Wall.format(end)).append(' ');
        if (reason != null) b.append("reason=").append(reason).append(' ');
        if (at != null) b.append("at=").append(Wall.format(at)).append(' ');
        if (accepted != null) b.append("accepted=").append(accepted);
        return b.toString().trim() + '}';
    }
}
