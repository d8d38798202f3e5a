package io.elector.testkit;

import io.elector.api.FencedResource;
import io.elector.api.StaleTokenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A fenced value in a local file, shared by processes of one machine: the check of the token and
 * the write happen under one OS file lock, so a paused ex-leader that wakes up is refused once a
 * newer token has written. Used by {@code elector verify} as the resource every candidate writes.
 *
 * <p>Layout: 8 bytes highest token, 8 bytes write count, then the last value (UTF-8).
 */
public final class FencedFileRegister implements FencedResource<FencedFileRegister.Guard> {
    private final Path file;
    private final String name;

    public FencedFileRegister(Path file) {
        this.file = file;
        this.name = file.getFileName().toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Guard guard(long fencingToken) {
        return new Guard(fencingToken);
    }

    /** The highest token that has written (0 if none). */
    public long highestToken() {
        try (FileChannel ch = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            return readHeader(ch)[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long[] readHeader(FileChannel ch) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(16);
        ch.read(head, 0);
        if (head.position() < 16) {
            return new long[] {0, 0};
        }
        head.flip();
        return new long[] {head.getLong(), head.getLong()};
    }

    /** Write permission for one token; the check happens inside the write. */
    public final class Guard {
        private final long token;

        private Guard(long token) {
            this.token = token;
        }

        /**
         * Writes {@code value} if no newer token has written.
         *
         * @return the real wall time of the write in epoch nanoseconds, read under the lock, so that
         *     accepted writes of all processes are ordered by it
         * @throws StaleTokenException if a newer token has written; nothing changes
         */
        public long write(String value) {
            try (FileChannel ch = FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                long[] h = readHeader(ch);
                if (h[1] > 0 && token < h[0]) {
                    throw new StaleTokenException(name, token, h[0]);
                }
                byte[] v = value.getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.allocate(16 + v.length);
                b.putLong(token).putLong(h[1] + 1).put(v).flip();
                ch.truncate(0);
                ch.write(b, 0);
                ch.force(false);
                return io.elector.testkit.history.Wall.nowNanos();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }
}
