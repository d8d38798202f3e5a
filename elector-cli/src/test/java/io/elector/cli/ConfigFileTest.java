package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and reading the {@code --config} file (in-process; ConfigFileIT runs the command with one). */
class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void theFileComesFromTheOptionBeforeTheCommandOrFromTheEnvironment() {
        assertThat(ConfigFile.find(new String[] {"run", "--config", "a.properties", "--", "x"}, Map.of()))
                .contains(Path.of("a.properties"));
        assertThat(ConfigFile.find(new String[] {"status", "--config=b.properties"}, Map.of()))
                .contains(Path.of("b.properties"));
        // After "--" it is COMMAND's argument, not ours.
        assertThat(ConfigFile.find(new String[] {"run", "--", "tool", "--config", "c"}, Map.of()))
                .isEmpty();
        assertThat(ConfigFile.find(new String[] {"status"}, Map.of("ELECTOR_CONFIG", "/etc/elector.properties")))
                .contains(Path.of("/etc/elector.properties"));
        assertThat(ConfigFile.find(new String[] {"status", "--config", "x"}, Map.of("ELECTOR_CONFIG", "y")))
                .contains(Path.of("x"));
        assertThatThrownBy(() -> ConfigFile.find(new String[] {"status", "--config"}, Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--config needs a FILE");
    }

    @Test
    void everyKeyMustBeAnOptionOfSomeCommand() throws Exception {
        var root = Main.commandLine(false);
        Path ok = write("ok", "backend=memory:\nelection=e\nrun.grace=300ms\nverify.duration=10m\nhttp=0\n");
        assertThat(ConfigFile.load(ok, root).file()).isEqualTo(ok);

        assertThatThrownBy(() -> ConfigFile.load(write("a", "backend=memory:\nbakend=x\n"), root))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("unknown key 'bakend'")
                .hasMessageContaining("a.properties");
        assertThatThrownBy(() -> ConfigFile.load(write("b", "run.timeout=1s\n"), root))
                .hasMessageContaining("unknown key 'run.timeout'")
                .hasMessageContaining("'elector run' has no option --timeout");
        assertThatThrownBy(() -> ConfigFile.load(write("c", "walk.grace=1s\n"), root))
                .hasMessageContaining("unknown key 'walk.grace'")
                .hasMessageContaining("no command 'walk'");
        // Hidden worker commands take no settings from a file.
        assertThatThrownBy(() -> ConfigFile.load(write("d", "verify-worker.candidate=x\n"), root))
                .hasMessageContaining("no command 'verify-worker'");
        assertThatThrownBy(() -> ConfigFile.load(write("e", "verbose=true\n"), root))
                .hasMessageContaining("key 'verbose' is not allowed in a config file");
        assertThatThrownBy(() -> ConfigFile.load(write("f", "status.config=x\n"), root))
                .hasMessageContaining("not allowed");
        // A stray word is a key with an empty value (properties syntax): unknown, so refused, not ignored.
        assertThatThrownBy(() -> ConfigFile.load(write("g", "backend=memory:\noops\n"), root))
                .hasMessageContaining("unknown key 'oops'");
        assertThatThrownBy(() -> ConfigFile.load(dir.resolve("missing.properties"), root))
                .hasMessageContaining("cannot read config file")
                .hasMessageContaining("missing.properties: no such file");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name + ".properties"), text);
    }
}
