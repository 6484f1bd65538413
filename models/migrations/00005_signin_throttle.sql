-- +goose Up
-- The sign-in throttle's allowances, shared by every instance. A row is one
-- account or client address that failed to sign in lately; key is a keyed
-- hash of it, so the table holds no email, address, or password typed into
-- the email field.
--
-- Each row is a token bucket kept as the moment it is full again (the
-- generic cell rate algorithm): an attempt is within the allowance while
-- full_at is at most (burst - 1) refills after now(), and moves full_at one
-- refill on. The one statement that spends (Store.SpendAttempt) reads and
-- writes a row under its lock, with the database's clock, so every instance
-- counts alike. A row whose full_at has passed remembers nothing: it is
-- deleted as other rows are written.
CREATE TABLE signin_throttle (
    key     bytea       PRIMARY KEY,
    full_at timestamptz NOT NULL,
    refill  interval    NOT NULL CHECK (refill > '0'),
    burst   integer     NOT NULL CHECK (burst > 0),
    -- Whether the latest attempt was within the allowance: how the spending
    -- statement reports its decision, since RETURNING sees only the new row.
    allowed boolean     NOT NULL
);
CREATE INDEX signin_throttle_full_at_idx ON signin_throttle (full_at);

-- +goose Down
DROP TABLE signin_throttle;
