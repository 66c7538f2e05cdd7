-- Failed sign-ins, counted per account and per client address to throttle
-- password guessing. In the database so every koe process sees the same
-- counts. Keep in step with ../postgres/0003_login_failures.sql.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    addr    TEXT NOT NULL,
    at      TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);
