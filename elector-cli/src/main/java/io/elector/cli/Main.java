package io.elector.cli;

import io.elector.cli.backend.BackendConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code elector}: exit codes are 0 on success, 1 on a failed check, 2 on bad usage or
 * configuration (one line on stderr, a stack trace only with {@code --verbose}); {@code elector run}
 * passes on its command's exit status.
 */
public final class Main {
    /** Held so that java.util.logging keeps the level set on them (it references loggers weakly). */
    private static final java.util.logging.Logger[] QUIET_JUL = {
        java.util.logging.Logger.getLogger("io.grpc"), java.util.logging.Logger.getLogger("io.vertx")
    };
    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: a check failed (no leader, violations). */
    public static final int FAILED = 1;
    /** Exit code: bad usage or configuration. */
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        boolean verbose = Arrays.stream(args).takeWhile(a -> !a.equals("--")).anyMatch(a -> a.equals("--verbose"));
        boolean zkServer = args.length > 0 && args[0].equals("zk-server");
        configureLogging(verbose, zkServer);
        ConfigFile[] config = new ConfigFile[1];
        CommandLine cl = commandLine(verbose, config);
        try {
            Optional<Path> file = ConfigFile.find(args, System.getenv());
            if (file.isPresent()) {
                config[0] = ConfigFile.load(file.get(), cl);
                cl.setDefaultValueProvider(config[0]);
            }
        } catch (UsageException e) {
            cl.getErr().println("elector: " + firstLine(e.getMessage()));
            cl.getErr().flush();
            return USAGE;
        }
        return cl.execute(args);
    }

    static CommandLine commandLine(boolean verbose) {
        return commandLine(verbose, new ConfigFile[1]);
    }

    private static CommandLine commandLine(boolean verbose, ConfigFile[] config) {
        CommandLine cl = new CommandLine(new ElectorCommand());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            String fromFile = fromFile(config[0], ex.getArgSpec(), ex.getValue());
            if (fromFile != null) {
                err.println(name + ": " + fromFile + ": " + firstLine(ex.getMessage()));
            } else {
                err.println(name + ": " + firstLine(ex.getMessage()) + " (see '" + name + " --help')");
            }
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            String name = commandLine.getCommandSpec().qualifiedName();
            if (verbose) {
                ex.printStackTrace(err);
            }
            if (ex instanceof UsageException
                    || ex instanceof BackendConfigException
                    || ex instanceof IllegalArgumentException) {
                // IllegalArgumentException: validation errors of the core (InvalidSettingException: names,
                // settings) are configuration errors too.
                String line = firstLine(ex.getMessage());
                err.println(name + ": " + line + fileNote(config[0], line, commandLine));
                err.flush();
                return USAGE;
            }
            err.println(name + ": unexpected error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
            err.flush();
            return FAILED;
        });
        return cl;
    }

    /** "config file F: key 'K'" when the value that failed to convert came from the config file. */
    private static String fromFile(ConfigFile config, ArgSpec arg, String value) {
        if (config == null || !(arg instanceof OptionSpec o)) {
            return null;
        }
        Optional<String> key = config.keyFor(o.longestName());
        // Only when the value that failed is the file's (the command line may give the same option).
        if (key.isEmpty() || value == null || !value.equals(config.value(key.get()))) {
            return null;
        }
        return "config file " + config.file() + ": key '" + key.get() + "'";
    }

    /**
     * " (--x from key 'x' in config file F)" when {@code message} names an option whose value came
     * from the config file (not given on the command line), else "".
     */
    private static String fileNote(ConfigFile config, String message, CommandLine failed) {
        if (config == null) {
            return "";
        }
        ParseResult pr = failed.getParseResult();
        for (String option : config.appliedOptions()) {
            boolean onCommandLine = pr != null && pr.hasMatchedOption(option);
            if (!onCommandLine && message.contains(option)) {
                return " (" + option + " from key '" + config.keyFor(option).orElse(option) + "' in config file "
                        + config.file() + ")";
            }
        }
        return "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static void configureLogging(boolean verbose, boolean zkServer) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", verbose ? "true" : "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        // Hikari warns about its own pool shutdown when the database was never reachable: noise for a CLI.
        setIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", verbose ? "info" : "error");
        // The ZooKeeper client logs every failed connection attempt with a stack trace (ClientCnxn), and
        // Curator logs connection time-outs and retries as errors with stack traces: the command reports
        // what matters itself (one line, exit 2, or the candidate's own events), so they are off unless
        // --verbose. The standalone server of 'elector zk-server' keeps its warnings.
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.zookeeper", verbose ? "info" : zkServer ? "warn" : "off");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.curator", verbose ? "info" : "off");
        // jetcd warns about every failed retry of its own: the etcd backend reports what matters.
        setIfAbsent("org.slf4j.simpleLogger.log.io.etcd", verbose ? "info" : "error");
        // gRPC and Vert.x (under jetcd) log through java.util.logging, two lines per record on stderr.
        for (java.util.logging.Logger l : QUIET_JUL) {
            l.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.SEVERE);
        }
        // The Azure SDK logs every failed HTTP try at ERROR; the lease store reports failures itself.
        setIfAbsent("org.slf4j.simpleLogger.log.com.azure", verbose ? "info" : "off");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
