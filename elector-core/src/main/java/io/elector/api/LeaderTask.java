package io.elector.api;

/**
 * Work that must run only while this process leads. It runs on its own thread and is interrupted
 * the moment the leadership is lost or expires; it should respond to interruption promptly and use
 * the leadership's fencing token for writes that must not come from a stale leader.
 */
@FunctionalInterface
public interface LeaderTask {
    void run(Leadership leadership) throws Exception;
}
