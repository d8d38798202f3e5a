package io.elector.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A {@link StateStore} in a directory: one file, {@code raft-state}, with one line per election
 * ({@code <election> <term> <votedFor>}) and a CRC-32, replaced atomically on every save (write a
 * temporary file, fsync it, rename it over the old one, fsync the directory): one pair of fsyncs
 * per save however many elections changed. A lock file keeps a second process off the directory, and a {@code node} file
 * records the node id the directory belongs to. A damaged file stops the node at start with a
 * clear error instead of being ignored: forgetting a vote could let the node vote twice in a term.
 */
final class FileStateStore implements StateStore {
    private static final String FILE = "raft-state";
    private static final String HEADER = "elector-raft-state 1";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, Durable> state = new TreeMap<>();

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
    public synchronized Map<String, Durable> load() {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return Map.of();
        }
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(0).equals(HEADER)) {
                throw damaged(f, "unexpected layout");
            }
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < lines.size() - 1; i++) {
                body.append(lines.get(i)).append('\n');
            }
            if (!lines.get(lines.size() - 1).equals("crc32 " + crc(body.toString()))) {
                throw damaged(f, "checksum mismatch");
            }
            Map<String, Durable> all = new HashMap<>();
            for (int i = 1; i < lines.size() - 1; i++) {
                String[] parts = lines.get(i).split(" ", -1);
                if (parts.length != 3) {
                    throw damaged(f, "bad line " + (i + 1));
                }
                long term = Long.parseLong(parts[1]);
                int votedFor = Integer.parseInt(parts[2]);
                if (term < 0 || votedFor < 0) {
                    throw damaged(f, "negative number on line " + (i + 1));
                }
                all.put(parts[0], new Durable(term, votedFor));
            }
            state.putAll(all);
            return all;
        } catch (NumberFormatException e) {
            throw damaged(f, "bad number");
        } catch (IOException e) {
            throw new StateStoreException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static StateStoreException damaged(Path f, String why) {
        return new StateStoreException("damaged state file " + f + " (" + why + "); refusing to start. Restore it,"
                + " or delete it only if this node id leaves the cluster for good: a node that forgets its votes"
                + " could vote twice in one term");
    }

    private static String crc(String body) {
        CRC32 c = new CRC32();
        c.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }

    @Override
    public synchronized void save(Map<String, Durable> changed) {
        if (changed.isEmpty()) {
            return;
        }
        state.putAll(changed);
        StringBuilder body = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, Durable> e : state.entrySet()) {
            body.append(e.getKey())
                    .append(' ')
                    .append(e.getValue().term())
                    .append(' ')
                    .append(e.getValue().votedFor())
                    .append('\n');
        }
        try {
            writeAtomically(dir.resolve(FILE), body + "crc32 " + crc(body.toString()) + "\n");
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
