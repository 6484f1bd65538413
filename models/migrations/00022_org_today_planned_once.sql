-- +goose Up
-- org_today() was a SQL function whose body reads the organisation's zone
-- with a sub-SELECT, which PostgreSQL does not inline. PostgreSQL 15 keeps
-- the plan of such a function only as long as the calling statement's
-- executor, so every call site of every statement parsed and planned the
-- body again: `SELECT org_today()` took 0.155-0.173 ms where `SELECT 1`
-- took 0.045-0.058 (pgbench, one client). A PUT /me/weekoffs made three
-- such calls (two in its statement's date, one in the coverage keys'
-- trigger), and coverage_since() a fourth: declared IMMUTABLE over a
-- date_trunc of a timestamp with time zone (STABLE), it was never inlined
-- either (docs/PERFORMANCE.md, migration 00022). A PL/pgSQL function keeps
-- its plans for the session (0.082-0.089 ms); called row by row it costs
-- about what the SQL function did. coverage_since() now truncates a plain
-- timestamp, the same date for every date, so that it is inlined.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION org_today() RETURNS date LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (now() AT TIME ZONE COALESCE((SELECT timezone FROM organisation WHERE id = 1), 'UTC'))::date;
END
$$;
-- +goose StatementEnd
CREATE OR REPLACE FUNCTION coverage_since(d date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('month', d::timestamp) - interval '1 month')::date
$$;

-- +goose Down
CREATE OR REPLACE FUNCTION coverage_since(d date) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('month', d) - interval '1 month')::date
$$;
CREATE OR REPLACE FUNCTION org_today() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE COALESCE((SELECT timezone FROM organisation WHERE id = 1), 'UTC'))::date
$$;
