package io.elector.examples.spring;

/** The example on one in-memory H2 database shared by both instances of this JVM. */
class H2ScheduledJobTest extends ScheduledJobContract {
    private static final String DB = "weather-" + Long.toString(System.nanoTime(), 36);

    @Override
    String electorBackend() {
        return "h2:mem:" + DB + "?user=sa";
    }

    @Override
    String[] dataSource() {
        return new String[] {"jdbc:h2:mem:" + DB + ";DB_CLOSE_DELAY=-1", "sa", ""};
    }
}
