package io.elector.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: default values of the command's options from a properties file of {@code
 * key=value} lines. A key is an option's long name without the dashes ({@code backend}, {@code
 * election}, {@code lease}, {@code http}, ...) and applies to every command that has that option,
 * or is prefixed with a command's name ({@code run.grace}, {@code verify.duration}) and applies to
 * that command only (and wins over the plain key). Precedence: the command line, then an
 * environment variable the option reads ({@code ELECTOR_BACKEND}, {@code ELECTOR_ELECTION}), then
 * the file, then the built-in default.
 *
 * <p>Keys that no (visible) command has are refused when the file is read, naming the key and the
 * file; a value that does not convert is refused when the command runs, naming the key and the file.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    /** Options that make no sense in a file. */
    private static final Set<String> NOT_IN_FILE = Set.of("help", "version", "verbose", "config");

    private final Path file;
    private final Map<String, String> entries;
    /** Option long name (with dashes) to the key whose value it got, for error messages. */
    private final Map<String, String> applied = new ConcurrentHashMap<>();

    private ConfigFile(Path file, Map<String, String> entries) {
        this.file = file;
        this.entries = entries;
    }

    /**
     * The {@code --config FILE} (or {@code --config=FILE}) before {@code --} in {@code args}, else
     * {@code ELECTOR_CONFIG} from the environment.
     */
    static Optional<Path> find(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--config")) {
                if (i + 1 >= args.length || args[i + 1].isBlank()) {
                    throw new UsageException("--config needs a FILE");
                }
                return Optional.of(Path.of(args[i + 1]));
            }
            if (a.startsWith("--config=")) {
                String v = a.substring("--config=".length());
                if (v.isBlank()) {
                    throw new UsageException("--config needs a FILE");
                }
                return Optional.of(Path.of(v));
            }
        }
        String e = env.get("ELECTOR_CONFIG");
        return e == null || e.isBlank() ? Optional.empty() : Optional.of(Path.of(e));
    }

    /**
     * Reads {@code file} and checks every key against the options of {@code root}'s visible
     * subcommands.
     *
     * @throws UsageException naming the file (and the key) when it cannot be read or a key is unknown
     */
    static ConfigFile load(Path file, CommandLine root) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read config file " + file + ": " + describe(e));
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            check(key, file, root);
            entries.put(key, p.getProperty(key).strip());
        }
        return new ConfigFile(file, entries);
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void check(String key, Path file, CommandLine root) {
        int dot = key.indexOf('.');
        String name = dot < 0 ? key : key.substring(dot + 1);
        if (NOT_IN_FILE.contains(name)) {
            throw new UsageException("config file " + file + ": key '" + key + "' is not allowed in a config file");
        }
        if (dot >= 0) {
            String command = key.substring(0, dot);
            CommandLine sub = root.getSubcommands().get(command);
            if (sub == null || sub.getCommandSpec().usageMessage().hidden()) {
                throw new UsageException("config file " + file + ": unknown key '" + key + "': no command '" + command
                        + "' (commands: " + String.join(", ", visible(root).keySet()) + ")");
            }
            if (option(sub.getCommandSpec(), name) == null) {
                throw new UsageException("config file " + file + ": unknown key '" + key + "': 'elector " + command
                        + "' has no option --" + name);
            }
            return;
        }
        for (CommandLine sub : visible(root).values()) {
            if (option(sub.getCommandSpec(), name) != null) {
                return;
            }
        }
        throw new UsageException("config file " + file + ": unknown key '" + key + "' (no command has --" + key
                + "; keys are option names without the dashes, like backend, election, lease, or run.grace)");
    }

    private static Map<String, CommandLine> visible(CommandLine root) {
        Map<String, CommandLine> out = new LinkedHashMap<>();
        root.getSubcommands().forEach((n, c) -> {
            if (!c.getCommandSpec().usageMessage().hidden()) {
                out.put(n, c);
            }
        });
        return out;
    }

    private static OptionSpec option(CommandSpec spec, String name) {
        OptionSpec o = spec.findOption("--" + name);
        return o != null && o.longestName().equals("--" + name) ? o : null;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec o)
                || o.command() == null
                || o.command().parent() == null) {
            return null;
        }
        CommandSpec command = o.command();
        if (command.usageMessage().hidden()) {
            return null; // worker processes get everything from their parent's arguments
        }
        String name = o.longestName();
        if (!name.startsWith("--") || NOT_IN_FILE.contains(name.substring(2))) {
            return null;
        }
        String bare = name.substring(2);
        String key = command.name() + "." + bare;
        String value = entries.get(key);
        if (value == null) {
            key = bare;
            value = entries.get(key);
        }
        if (value == null) {
            return null;
        }
        // An environment variable the option reads (defaultValue "${env:NAME}") beats the file.
        String annotated = annotatedDefault(o);
        if (annotated != null && annotated.startsWith("${env:") && annotated.endsWith("}")) {
            String env = System.getenv(annotated.substring(6, annotated.length() - 1));
            if (env != null && !env.isBlank()) {
                return null;
            }
        }
        applied.put(name, key);
        return value;
    }

    /** The default value as written in the annotation (picocli's {@code defaultValue()} is interpolated). */
    private static String annotatedDefault(OptionSpec o) {
        Object user = o.userObject();
        if (user instanceof java.lang.reflect.AnnotatedElement e) {
            CommandLine.Option a = e.getAnnotation(CommandLine.Option.class);
            if (a != null) {
                return a.defaultValue();
            }
        }
        return null;
    }

    /** The value of {@code key} as read (trimmed), or null. */
    String value(String key) {
        return entries.get(key);
    }

    Path file() {
        return file;
    }

    /** The key whose value option {@code longName} (like {@code --lease}) got from the file, if any. */
    Optional<String> keyFor(String longName) {
        return Optional.ofNullable(applied.get(longName));
    }

    /** Options that got a value from the file, as long names with dashes. */
    Set<String> appliedOptions() {
        return applied.keySet();
    }
}
