package io.elector.redis;

/**
 * The Lua scripts that make every lease operation one atomic step on the Redis server.
 *
 * <p>Lease value layout: {@code token|holder|sinceMillis|metadata}. Holders cannot contain
 * {@code |} (see {@code Names.candidate}), so the prefix {@code token|holder|} identifies an owner
 * exactly, and the scripts compare it with a plain substring test (no Lua patterns).
 *
 * <p>Time: the scripts read the server's clock with {@code TIME}; expiry is the server's {@code PX}.
 * Numbers are formatted with {@code %.0f} because Lua's {@code tostring} would print large integers
 * in exponent form; Lua doubles hold integers exactly up to 2^53, and microseconds since 1970 stay
 * below that until the year 2255.
 */
final class LeaseScripts {
    private LeaseScripts() {}

    /**
     * KEYS: guard, then lease_i, token_i for each request. ARGV: n, then holder_i, ttlMillis_i,
     * metadata_i. Returns status_i, value_i per request: 1 = taken (value is the new lease), 0 =
     * held by another (value is the current lease), -1 = refused during the restart guard.
     *
     * <p>The token is an INCR counter raised to at least the server clock in microseconds, so it
     * strictly increases even after Redis lost the counter (restart without persistence). The guard
     * key is written once and never expires: when it is missing, Redis lost its data (or is new), and
     * no lease is granted for one ttl, so that a leader still counting on a lost lease has reached
     * its local deadline first.
     */
    static final String ACQUIRE = """
            local t = redis.call('TIME')
            local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local nowMs = math.floor(nowUs / 1000)
            local guard = tonumber(redis.call('GET', KEYS[1]) or '')
            if not guard then
              guard = nowMs
              redis.call('SET', KEYS[1], string.format('%.0f', guard))
            end
            local out = {}
            local n = tonumber(ARGV[1])
            for i = 1, n do
              local lk = KEYS[2 * i]
              local tk = KEYS[2 * i + 1]
              local holder = ARGV[3 * i - 1]
              local ttl = tonumber(ARGV[3 * i])
              local meta = ARGV[3 * i + 1]
              local cur = redis.call('GET', lk)
              local mine = false
              if cur then
                local p1 = string.find(cur, '|', 1, true)
                local p2 = p1 and string.find(cur, '|', p1 + 1, true)
                mine = p2 ~= nil and string.sub(cur, p1 + 1, p2 - 1) == holder
              end
              if cur and not mine then
                out[#out + 1] = 0
                out[#out + 1] = cur
              elseif nowMs - guard < ttl then
                out[#out + 1] = -1
                out[#out + 1] = ''
              else
                local tok = redis.call('INCR', tk)
                if tok < nowUs then
                  tok = nowUs
                  redis.call('SET', tk, string.format('%.0f', tok))
                end
                local v = string.format('%.0f', tok) .. '|' .. holder .. '|' .. string.format('%.0f', nowMs) .. '|' .. meta
                if cur then
                  redis.call('SET', lk, v, 'PX', ttl)
                else
                  redis.call('SET', lk, v, 'NX', 'PX', ttl)
                end
                out[#out + 1] = 1
                out[#out + 1] = v
              end
            end
            return out
            """;

    /**
     * KEYS: lease_i. ARGV: owner_i ({@code token|holder|}), ttlMillis_i. Returns 1 per renewed lease,
     * 0 per lease no longer held by that owner.
     */
    static final String RENEW = """
            local out = {}
            for i = 1, #KEYS do
              local owner = ARGV[2 * i - 1]
              local cur = redis.call('GET', KEYS[i])
              if cur and string.sub(cur, 1, #owner) == owner then
                redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
                out[#out + 1] = 1
              else
                out[#out + 1] = 0
              end
            end
            return out
            """;

    /**
     * KEYS: lease. ARGV: owner ({@code token|holder|}), channel, election. Deletes the lease if that
     * owner still holds it and publishes the election on the channel. Returns {1} if released, else {0}.
     */
    static final String RELEASE = """
            local cur = redis.call('GET', KEYS[1])
            if cur and string.sub(cur, 1, #ARGV[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
              redis.call('PUBLISH', ARGV[2], ARGV[3])
              return {1}
            end
            return {0}
            """;
}
