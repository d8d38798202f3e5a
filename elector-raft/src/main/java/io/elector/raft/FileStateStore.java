package io.elector.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A {@link StateStore} in a directory: one small file per election ({@code <election>.vote}),
 * replaced atomically (write a temporary file, fsync it, rename it over the old one, fsync the
 * directory). A lock file keeps a second process off the directory, and a {@code node} file
 * records the node id the directory belongs to. A damaged file stops the node at start with a
 * clear error instead of being ignored: forgetting a vote could let the node vote twice in a term.
 */
final class FileStateStore implements StateStore {
    private static final String SUFFIX = ".vote";
    private static final String HEADER = "elector-raft-state 1";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    FileStateStore(Path dir, int nodeId) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                lockChannel.close();
                throw new StateStoreException("state directory " + dir + " is in use by another process");
            }
            Path nodeFile = dir.resolve("node");
            if (Files.exists(nodeFile)) {
                String owner =
                        Files.readString(nodeFile, StandardCharsets.UTF_8).trim();
                if (!owner.equals(Integer.toString(nodeId))) {
                    close();
                    throw new StateStoreException(
                            "state directory " + dir + " belongs to node " + owner + ", not node " + nodeId);
                }
            } else {
                writeAtomically(nodeFile, nodeId + "\n");
                fsyncDir();
            }
        } catch (IOException e) {
            throw new StateStoreException("cannot open state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Durable> load() {
        Map<String, Durable> all = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                all.put(name.substring(0, name.length() - SUFFIX.length()), parse(f));
            }
        } catch (IOException e) {
            throw new StateStoreException("cannot read state directory " + dir + ": " + e.getMessage(), e);
        }
        return all;
    }

    private static Durable parse(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.size() != 4 || !lines.get(0).equals(HEADER)) {
            throw new StateStoreException("damaged state file " + f + " (unexpected layout); refusing to start."
                    + " Restore it, or delete it only if this node has been out of the cluster for good");
        }
        String body = lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2) + "\n";
        if (!lines.get(3).equals("crc32 " + crc(body))) {
            throw new StateStoreException("damaged state file " + f + " (checksum mismatch); refusing to start");
        }
        try {
            long term = Long.parseLong(field(lines.get(1), "term"));
            int votedFor = Integer.parseInt(field(lines.get(2), "votedFor"));
            if (term < 0 || votedFor < 0) {
                throw new NumberFormatException("negative");
            }
            return new Durable(term, votedFor);
        } catch (NumberFormatException e) {
            throw new StateStoreException("damaged state file " + f + " (bad number); refusing to start", e);
        }
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new NumberFormatException("missing " + name);
        }
        return line.substring(name.length() + 1);
    }

    private static String crc(String body) {
        CRC32 c = new CRC32();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }

    @Override
    public void save(Map<String, Durable> changed) {
        if (changed.isEmpty()) {
            return;
        }
        try {
            for (Map.Entry<String, Durable> e : changed.entrySet()) {
                String body = HEADER + "\nterm " + e.getValue().term() + "\nvotedFor "
                        + e.getValue().votedFor() + "\n";
                writeAtomically(dir.resolve(e.getKey() + SUFFIX), body + "crc32 " + crc(body) + "\n");
            }
            fsyncDir();
        } catch (IOException e) {
            throw new StateStoreException("cannot save Raft state in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes the renames durable (Linux needs an fsync of the directory itself). */
    private void fsyncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the rename is then as durable as it gets.
            if (!System.getProperty("os.name", "")
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("win")) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // Closing releases the lock anyway; nothing is lost.
        }
    }
}
