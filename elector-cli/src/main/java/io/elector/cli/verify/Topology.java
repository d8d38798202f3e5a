package io.elector.cli.verify;

import io.elector.cli.UsageException;
import io.elector.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each candidate process reaches the backend, through loopback proxies that the fault injector
 * can cut or blackhole. For a server URI every candidate gets its own proxy to the server. For a
 * bare {@code raft} the candidates are the Raft nodes: every directed link i&rarr;j goes through
 * its own proxy, so a node can be partitioned from all others.
 */
final class Topology implements AutoCloseable {
    private static final Pattern AUTHORITY = Pattern.compile("(//(?:[^@/?]*@)?)([^:/?,@]+):(\\d+)");
    private static final Pattern HOST_LIST = Pattern.compile("(//(?:[^@/?]*@)?)([^/?@]+)");
    private static final Pattern HOST_PORT = Pattern.compile("([^:/?,@]+):(\\d+)");

    private final List<String> uris = new ArrayList<>();
    private final List<List<TcpProxy>> proxiesOf = new ArrayList<>();
    private final List<TcpProxy> all = new ArrayList<>();
    final boolean raft;
    final String kind;
    /** False when candidates reach the store without a network: partitions do not apply. */
    boolean networked = true;

    private Topology(boolean raft, String kind) {
        this.raft = raft;
        this.kind = kind;
    }

    /** {@code backend} is {@code raft} (a local cluster of {@code n} nodes) or a server URI. */
    static Topology create(String backend, int n, Path dir) {
        try {
            if (backend.equals("raft") || backend.equals("raft:")) {
                return raft(n, dir);
            }
            if (backend.startsWith("memory:")) {
                throw new UsageException(
                        "memory: lives in one process; verify and bench need a backend that several"
                                + " processes share (raft, postgresql://, mysql://, h2:tcp://, redis://, zookeeper://, etcd://)");
            }
            if (backend.startsWith("raft://")) {
                throw new UsageException(
                        "give a bare '--backend raft': verify and bench start their own local cluster");
            }
            return server(backend, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start proxies", e);
        }
    }

    private static Topology server(String backend, int n) throws IOException {
        Matcher list = HOST_LIST.matcher(backend);
        if (list.find() && list.group(2).contains(",")) {
            return serverList(backend, n, list);
        }
        Matcher m = AUTHORITY.matcher(backend);
        if (!m.find()) {
            // No network between candidates and the store (a local file store): no proxy, no partitions.
            Topology t = new Topology(false, backend.substring(0, Math.max(0, backend.indexOf(':'))));
            t.networked = false;
            for (int i = 0; i < n; i++) {
                t.uris.add(backend);
                t.proxiesOf.add(List.of());
            }
            return t;
        }
        InetSocketAddress target = new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3)));
        if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
            throw new UsageException(
                    "verify injects faults on loopback only; the backend must be on 127.0.0.0/8, not " + m.group(2));
        }
        Topology t = new Topology(false, backend.substring(0, backend.indexOf(':')));
        for (int i = 0; i < n; i++) {
            TcpProxy p = new TcpProxy(target);
            t.all.add(p);
            t.proxiesOf.add(List.of(p));
            t.uris.add(backend.substring(0, m.start()) + m.group(1) + "127.0.0.1:" + p.port()
                    + backend.substring(m.end()));
        }
        return t;
    }

    /**
     * A URI naming several servers ({@code zookeeper://h1:p1,h2:p2/...}): each candidate gets one
     * proxy per server, and a partition cuts it from all of them.
     */
    private static Topology serverList(String backend, int n, Matcher list) throws IOException {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (String hostPort : list.group(2).split(",")) {
            Matcher hp = HOST_PORT.matcher(hostPort);
            if (!hp.matches()) {
                throw new UsageException(
                        "verify needs host:port for every server in the backend URI: '" + hostPort + "'");
            }
            InetSocketAddress target = new InetSocketAddress(hp.group(1), Integer.parseInt(hp.group(2)));
            if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
                throw new UsageException("verify injects faults on loopback only; the backend must be on"
                        + " 127.0.0.0/8, not " + hp.group(1));
            }
            targets.add(target);
        }
        Topology t = new Topology(false, backend.substring(0, backend.indexOf(':')));
        for (int i = 0; i < n; i++) {
            List<TcpProxy> mine = new ArrayList<>();
            List<String> hosts = new ArrayList<>();
            for (InetSocketAddress target : targets) {
                TcpProxy p = new TcpProxy(target);
                t.all.add(p);
                mine.add(p);
                hosts.add("127.0.0.1:" + p.port());
            }
            t.proxiesOf.add(mine);
            t.uris.add(backend.substring(0, list.start(2)) + String.join(",", hosts) + backend.substring(list.end(2)));
        }
        return t;
    }

    private static Topology raft(int n, Path dir) throws IOException {
        if (n != 3 && n != 5 && n != 7) {
            throw new UsageException("--nodes must be 3, 5 or 7 for raft: " + n);
        }
        Topology t = new Topology(true, "raft");
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String hex = HexFormat.of().formatHex(secret);
        TcpProxy[][] link = new TcpProxy[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    link[i][j] = new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[j]));
                    t.all.add(link[i][j]);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            List<String> peers = new ArrayList<>();
            List<TcpProxy> mine = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                peers.add("127.0.0.1:" + (i == j ? ports[j] : link[i][j].port()));
                if (i != j) {
                    mine.add(link[i][j]);
                    mine.add(link[j][i]);
                }
            }
            t.proxiesOf.add(mine);
            t.uris.add("raft://" + String.join(",", peers) + "?node=" + (i + 1) + "&secret=" + hex + "&state="
                    + dir.resolve("raft-node-" + (i + 1)).toAbsolutePath());
        }
        return t;
    }

    int size() {
        return uris.size();
    }

    /** The backend URI candidate {@code i} uses (contains the Raft secret: never print it). */
    String uri(int i) {
        return uris.get(i);
    }

    /** Candidate {@code i} cannot reach the backend (or its peers); traffic is held. */
    void blackhole(int i) {
        proxiesOf.get(i).forEach(TcpProxy::blackhole);
    }

    /** Candidate {@code i}'s connections are closed and refused. */
    void cut(int i) {
        proxiesOf.get(i).forEach(TcpProxy::cut);
    }

    void heal(int i) {
        proxiesOf.get(i).forEach(TcpProxy::heal);
    }

    @Override
    public void close() {
        all.forEach(TcpProxy::close);
    }
}
