package io.elector.cli;

import io.elector.cli.run.RunCommand;
import io.elector.cli.verify.BenchCommand;
import io.elector.cli.verify.VerifyCommand;
import io.elector.cli.verify.VerifyWorkerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top-level {@code elector} command. */
@Command(
        name = "elector",
        mixinStandardHelpOptions = true,
        versionProvider = ElectorCommand.Version.class,
        description = "Leader election: run a command only while leader, show who leads, run the demo.",
        subcommands = {
            RunCommand.class,
            StatusCommand.class,
            ResignCommand.class,
            VerifyCommand.class,
            BenchCommand.class,
            VerifyWorkerCommand.class,
            io.elector.cli.verify.ZkServerCommand.class,
            NodeCommand.class,
            io.elector.cli.demo.DemoCommand.class,
            io.elector.cli.demo.DemoNodeCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  elector demo                                  three nodes, a leader writes weather readings",
            "  elector run -b postgresql://127.0.0.1:5432/test?user=postgres -e nightly -- ./backup.sh",
            "  elector status -b postgresql://127.0.0.1:5432/test?user=postgres -e nightly --json",
            "  elector run -b zookeeper://127.0.0.1:2181/elector -e nightly -- ./backup.sh",
            "  elector run --config /etc/elector.properties -- ./backup.sh",
            "",
            "Exit codes: 0 success, 1 failed check (e.g. nobody leads), 2 bad usage or configuration.",
            "'elector run' exits with its command's status (see 'elector run --help')."
        })
public final class ElectorCommand implements Runnable {
    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Log what happens inside, and print stack traces of errors.")
    boolean verbose;

    // Read by Main before parsing (the file supplies the options' defaults); declared here so that
    // every command accepts it and lists it in --help.
    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Option defaults from FILE (env ELECTOR_CONFIG): key=value lines, keys are option names"
                    + " without dashes (backend=..., election=..., lease=5s, http=8080) or prefixed with a command"
                    + " (run.grace=2s); the command line wins, then ELECTOR_BACKEND/ELECTOR_ELECTION, then the file.")
    java.nio.file.Path config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ElectorCommand.class.getPackage().getImplementationVersion();
            return new String[] {"elector " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
