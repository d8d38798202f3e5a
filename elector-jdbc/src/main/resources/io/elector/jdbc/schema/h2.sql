-- Elector lease and fence tables for h2, for teams that manage schema themselves.
-- The store creates the same tables when absent (disable with createTable(false)).
-- Timestamps are the database clock in microseconds since the epoch.

-- One row per election. holder is NULL when released; the row (and its token) is kept.
CREATE TABLE IF NOT EXISTS elector_lease (
    election    VARCHAR(128) NOT NULL PRIMARY KEY,
    holder      VARCHAR(128),
    token       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL,
    metadata    CHARACTER VARYING NOT NULL,
    nonce       VARCHAR(32),
    version     BIGINT NOT NULL
);

-- One guard row per fenced resource: the highest fencing token that has written.
CREATE TABLE IF NOT EXISTS elector_fence (
    resource VARCHAR(255) NOT NULL PRIMARY KEY,
    token    BIGINT NOT NULL,
    writes   BIGINT NOT NULL
);
