package io.elector.cli.verify;

import io.elector.cli.DurationConverter;
import io.elector.cli.UsageException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code elector zk-server} (hidden): a standalone ZooKeeper server from the ZooKeeper artifact
 * bundled in the command, for trying the {@code zookeeper://} backend and for {@code elector
 * verify}. Not an ensemble and not tuned: a test tool. It binds to a loopback address only, keeps
 * its data (snapshots and transaction log, so zxids and sessions survive a restart) in {@code
 * --dir}, and writes {@code zk-server.pid} and {@code zk-server.properties} there.
 *
 * <p>{@code --restart} kills the server running on {@code --dir} with SIGKILL (by the PID in its
 * file), starts it again in the background on the same port and data, and returns once it accepts
 * connections: the backend-restart fault of {@code elector verify --restart-command}.
 */
@Command(
        name = "zk-server",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Runs a standalone ZooKeeper server on a loopback address (a test tool, for verify).",
        footer = {
            "",
            "Examples:",
            "  elector zk-server --port 21810 --dir /tmp/elector-zk &",
            "  elector verify --backend zookeeper://127.0.0.1:21810/elector-verify --duration 10m \\",
            "      --restart-command 'elector zk-server --restart --dir /tmp/elector-zk'",
            "  kill $(cat /tmp/elector-zk/zk-server.pid)      stops it",
            "",
            "Sessions may be 2 to 20 ticks long (1 s to 10 s with the default --tick-time 500ms)."
        })
public final class ZkServerCommand implements Callable<Integer> {
    static final String PID_FILE = "zk-server.pid";
    static final String PROPERTIES_FILE = "zk-server.properties";
    static final String LOG_FILE = "zk-server.log";

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "Data directory (created if absent).")
    Path dir;

    @Option(
            names = "--port",
            defaultValue = "2181",
            description = "Client port; 0: any free port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Loopback address to bind (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--tick-time",
            defaultValue = "500ms",
            converter = DurationConverter.class,
            description = "ZooKeeper's tickTime (default ${DEFAULT-VALUE}).")
    Duration tickTime;

    @Option(
            names = "--restart",
            description = "Kill -9 the server running on --dir and start it again in the background.")
    boolean restart;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        if (restart) {
            return restart();
        }
        InetAddress address = InetAddress.getByName(bind);
        if (!address.isLoopbackAddress()) {
            throw new UsageException("--bind must be a loopback address (127.0.0.0/8): " + bind);
        }
        long tick = tickTime.toMillis();
        if (tick < 10 || tick > 60_000) {
            throw new UsageException("--tick-time must be between 10ms and 60s: " + tickTime);
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be between 0 and 65535: " + port);
        }
        // No Jetty admin server in the command; the four-letter words are not needed either.
        System.setProperty("zookeeper.admin.enableServer", "false");
        File data = dir.resolve("data").toFile();
        ZooKeeperServer zks = new ZooKeeperServer(data, data, (int) tick);
        ServerCnxnFactory factory;
        try {
            factory = ServerCnxnFactory.createFactory(new InetSocketAddress(address, port), 1000);
        } catch (IOException e) {
            zks.shutdown();
            throw new UsageException("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
        try {
            factory.startup(zks);
        } catch (IOException | RuntimeException | LinkageError e) {
            factory.shutdown();
            zks.shutdown();
            throw new UsageException("zk-server could not start: " + e);
        }
        int actual = factory.getLocalPort();
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(actual));
        p.setProperty("bind", bind);
        p.setProperty("tickTime", tick + "ms");
        writeAtomically(dir.resolve(PROPERTIES_FILE), w -> p.store(w, "elector zk-server"));
        writeAtomically(
                dir.resolve(PID_FILE), w -> w.write(ProcessHandle.current().pid() + "\n"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            factory.shutdown();
                            zks.shutdown();
                            stopped.countDown();
                        },
                        "zk-server-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "zk-server: listening on %s:%d (tickTime %d ms, sessions %d-%d ms), data in %s, pid %d%n",
                bind,
                actual,
                tick,
                zks.getMinSessionTimeout(),
                zks.getMaxSessionTimeout(),
                data.getAbsolutePath(),
                ProcessHandle.current().pid());
        out.flush();
        stopped.await();
        return 0;
    }

    private int restart() throws Exception {
        Path props = dir.resolve(PROPERTIES_FILE);
        if (!Files.exists(props)) {
            throw new UsageException("no zk-server has run on " + dir + " (no " + PROPERTIES_FILE + ")");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
        }
        String port = p.getProperty("port");
        String boundTo = p.getProperty("bind", "127.0.0.1");
        Optional<ProcessHandle> old = readPid().flatMap(ProcessHandle::of);
        if (old.isPresent()) {
            old.get().destroyForcibly();
            old.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.elector.cli.Main");
        cmd.addAll(List.of(
                "zk-server",
                "--dir",
                dir.toAbsolutePath().toString(),
                "--port",
                port,
                "--bind",
                boundTo,
                "--tick-time",
                p.getProperty("tickTime", "500ms")));
        File log = dir.resolve(LOG_FILE).toFile();
        Process child = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .redirectError(ProcessBuilder.Redirect.appendTo(log))
                .start();
        // Bounded: back when its PID file names it and its port accepts connections.
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() - end < 0) {
            if (!child.isAlive()) {
                throw new UsageException("zk-server did not restart; see " + log);
            }
            if (readPid().orElse(-1L) == child.pid() && accepts(boundTo, Integer.parseInt(port))) {
                spec.commandLine()
                        .getOut()
                        .println("zk-server: restarted on " + boundTo + ":" + port + ", pid " + child.pid());
                spec.commandLine().getOut().flush();
                return 0;
            }
            Thread.sleep(50);
        }
        throw new UsageException("zk-server did not accept connections within 60 s after a restart; see " + log);
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(
                    Long.parseLong(Files.readString(dir.resolve(PID_FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private interface WriterAction {
        void write(Writer w) throws IOException;
    }

    private static void writeAtomically(Path file, WriterAction action) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            action.write(w);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
