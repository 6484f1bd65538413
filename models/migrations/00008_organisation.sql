-- +goose Up
-- The organisation's settings: one row, read by every instance, so that a
-- change is seen everywhere at once. The store inserts it on first use with
-- weekoffs_max from WEEKOFFS_MAX; the columns' defaults are the rest.
CREATE TABLE organisation (
    id           smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    name         text        NOT NULL DEFAULT 'weekoffs' CHECK (name <> '' AND length(name) <= 200),
    -- An IANA zone name; the store checks it against Go's zone database.
    timezone     text        NOT NULL DEFAULT 'UTC',
    self_service text        NOT NULL DEFAULT 'direct' CHECK (self_service IN ('direct', 'approval')),
    weekoffs_max smallint    NOT NULL DEFAULT 2 CHECK (weekoffs_max BETWEEN 0 AND 7),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE organisation;
