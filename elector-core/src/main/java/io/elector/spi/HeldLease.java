package io.elector.spi;

import java.time.Duration;

/** A lease this process holds: election, holder, token, and the ttl to renew it by. */
public record HeldLease(String election, String candidateId, long token, Duration ttl) {}
