package io.elector.cli;

import picocli.CommandLine.Option;

/** The {@code --backend} and {@code --election} options shared by every command. */
public final class BackendOption {
    @Option(
            names = {"-b", "--backend"},
            paramLabel = "URI",
            description = "Backend URI (env ELECTOR_BACKEND): memory:, raft://h:p,h:p,h:p?node=1, "
                    + "postgresql://h:5432/db?user=u, mysql://u@h:3306/db, h2:tcp://h:9092/./elector, redis://h:6379, "
                    + "zookeeper://h:2181[,h:2181...][/chroot][?sessionTimeout=4s], "
                    + "etcd://h:2379[,h:2379][?ttl=3s], "
                    + "azblob:///CONTAINER (env AZURE_STORAGE_CONNECTION_STRING; --lease 15s), ...",
            defaultValue = "${env:ELECTOR_BACKEND}")
    String backend;

    @Option(
            names = {"-e", "--election"},
            paramLabel = "NAME",
            description = "Election name (env ELECTOR_ELECTION).",
            defaultValue = "${env:ELECTOR_ELECTION}")
    String election;

    /** Options given in code rather than on the command line. */
    public static BackendOption of(String backend, String election) {
        BackendOption o = new BackendOption();
        o.backend = backend;
        o.election = election;
        return o;
    }

    /** The backend URI, or a usage error naming the option. */
    public String backend() {
        if (backend == null || backend.isBlank()) {
            throw new UsageException("missing --backend URI (or env ELECTOR_BACKEND); for example --backend memory:");
        }
        return backend;
    }

    /** The election name, or a usage error naming the option. */
    public String election() {
        if (election == null || election.isBlank()) {
            throw new UsageException("missing --election NAME (or env ELECTOR_ELECTION)");
        }
        return election;
    }
}
