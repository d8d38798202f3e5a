package io.elector.cli.verify;

import io.elector.api.LeaderInfo;
import io.elector.spi.AcquireResult;
import io.elector.spi.HeldLease;
import io.elector.spi.LeaseRequest;
import io.elector.spi.LeaseStore;
import io.elector.spi.LeaseStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A lease store in a local file shared by the processes of one machine (test seam for verify): one
 * election, under an OS file lock, expiry judged by the machine's monotonic clock (system-wide on
 * Linux). Two deliberately broken variants exist so that tests can show verify catching them:
 * {@link Flaw#REUSES_TOKENS} hands every leadership token 1, and {@link Flaw#EXPIRES_EARLY} expires
 * leases after half their ttl, as if the lease arithmetic had lost its safety margin.
 */
final class FileLeaseStore implements LeaseStore {
    enum Flaw {
        NONE,
        REUSES_TOKENS,
        EXPIRES_EARLY
    }

    private final Path file;
    private final Flaw flaw;

    FileLeaseStore(Path file, Flaw flaw) {
        this.file = file;
        this.flaw = flaw;
    }

    /** holder, token, expiresAt (monotonic), lastToken. */
    private record Row(String holder, long token, long expiresAt, long lastToken) {}

    private interface Op<T> {
        T apply(Row row, long now, Row[] out);
    }

    private <T> T locked(Op<T> op) throws LeaseStoreException {
        try (FileChannel ch = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            ch.read(b, 0);
            b.flip();
            Row row = new Row("", 0, 0, 0);
            if (b.remaining() >= 28) {
                long token = b.getLong();
                long exp = b.getLong();
                long last = b.getLong();
                int n = b.getInt();
                byte[] h = new byte[n];
                b.get(h);
                row = new Row(new String(h, StandardCharsets.UTF_8), token, exp, last);
            }
            Row[] out = new Row[1];
            T result = op.apply(row, System.nanoTime(), out);
            if (out[0] != null) {
                byte[] h = out[0].holder().getBytes(StandardCharsets.UTF_8);
                ByteBuffer w = ByteBuffer.allocate(28 + h.length);
                w.putLong(out[0].token())
                        .putLong(out[0].expiresAt())
                        .putLong(out[0].lastToken())
                        .putInt(h.length)
                        .put(h)
                        .flip();
                ch.truncate(0);
                ch.write(w, 0);
                ch.force(false);
            }
            return result;
        } catch (IOException e) {
            throw new LeaseStoreException("lease file " + file + ": " + e.getMessage(), e);
        }
    }

    private long ttl(java.time.Duration d) {
        return flaw == Flaw.EXPIRES_EARLY ? d.toNanos() / 2 : d.toNanos();
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public List<AcquireResult> tryAcquire(List<LeaseRequest> requests) throws LeaseStoreException {
        List<AcquireResult> out = new ArrayList<>();
        for (LeaseRequest r : requests) {
            out.add(locked((row, now, w) -> {
                boolean free = row.holder().isEmpty()
                        || row.expiresAt() - now <= 0
                        || row.holder().equals(r.candidateId());
                if (!free) {
                    return AcquireResult.heldBy(
                            r.election(),
                            new LeaderInfo(r.election(), row.holder(), row.token(), Map.of(), Instant.now()));
                }
                long token = flaw == Flaw.REUSES_TOKENS ? 1 : row.lastToken() + 1;
                w[0] = new Row(r.candidateId(), token, now + ttl(r.ttl()), token);
                return AcquireResult.acquired(r.election(), token);
            }));
        }
        return out;
    }

    @Override
    public Set<String> renew(List<HeldLease> leases) throws LeaseStoreException {
        Set<String> ok = new HashSet<>();
        for (HeldLease l : leases) {
            boolean renewed = locked((row, now, w) -> {
                if (row.holder().equals(l.candidateId()) && row.token() == l.token() && row.expiresAt() - now > 0) {
                    w[0] = new Row(row.holder(), row.token(), now + ttl(l.ttl()), row.lastToken());
                    return true;
                }
                return false;
            });
            if (renewed) {
                ok.add(l.election());
            }
        }
        return ok;
    }

    @Override
    public void release(HeldLease lease) throws LeaseStoreException {
        locked((row, now, w) -> {
            if (row.holder().equals(lease.candidateId()) && row.token() == lease.token()) {
                w[0] = new Row("", 0, 0, row.lastToken());
            }
            return null;
        });
    }

    @Override
    public Optional<LeaderInfo> read(String election) throws LeaseStoreException {
        return locked((row, now, w) -> row.holder().isEmpty() || row.expiresAt() - now <= 0
                ? Optional.empty()
                : Optional.of(new LeaderInfo(election, row.holder(), row.token(), Map.of(), Instant.now())));
    }

    @Override
    public void close() {}
}
