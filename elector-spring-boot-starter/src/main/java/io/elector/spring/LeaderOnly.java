package io.elector.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated bean method only on the current leader of an election; elsewhere the call is
 * skipped or throws {@link NotLeaderException} ({@link #whenNotLeader()}). Works on any Spring bean
 * method called through the bean (so also on {@code @Scheduled} methods), or on a class for all its
 * methods. The election is joined when the context starts.
 *
 * <pre>{@code
 * @Scheduled(fixedRate = 10_000)
 * @LeaderOnly("report-writer")
 * void writeReport() {
 *     long token = CurrentLeadership.fencingToken();   // for fenced writes
 * }
 * }</pre>
 *
 * <p>The method may declare a {@link io.elector.api.Leadership} parameter, or a {@code long}
 * parameter annotated {@link FencingToken}: the call fills them in (the caller passes {@code null}
 * or {@code 0}). {@code @Scheduled} methods take no parameters; they read {@link
 * CurrentLeadership} instead.
 *
 * <p>The call runs on the caller's thread. If the leadership is lost while it runs (revoked,
 * expired, resigned, the context closing) that thread is interrupted; the interrupt is cleared when
 * the call returns, so a pooled scheduler thread is not left interrupted. Interruption is
 * cooperative: code that ignores it keeps running, so writes that must not come from a stale leader
 * need the fencing token (see {@code JdbcFencedResource}).
 *
 * <p>Not promised: that the instance still leads an instant after the check (it can pause right
 * after); only a fenced write guarantees that.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {

    /** The election name (letters, digits, '.', '_', '-'). */
    String value();

    /** What to do when this instance does not lead; default from {@code elector.leader-only.when-not-leader}. */
    NotLeaderPolicy whenNotLeader() default NotLeaderPolicy.DEFAULT;
}
