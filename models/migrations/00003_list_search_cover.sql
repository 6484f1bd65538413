-- +goose Up
-- The admin list's name order, with the email carried in the index: a search
-- (q=) in name order can then test both columns on index entries alone
-- (an index-only scan) and fetch only the page's rows from the table. Without
-- it, a name that 3% of a million users share cost over 300 ms of random
-- table reads to find the first 50 matches (docs/PERFORMANCE.md).
CREATE INDEX users_full_name_id_email_idx ON users (full_name, id) INCLUDE (email);
DROP INDEX users_full_name_id_idx;

-- +goose Down
CREATE INDEX users_full_name_id_idx ON users (full_name, id);
DROP INDEX users_full_name_id_email_idx;
