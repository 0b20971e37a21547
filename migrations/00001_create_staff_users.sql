-- +goose Up
CREATE TABLE staff_users (
    id            bigserial PRIMARY KEY,
    email         text        NOT NULL CHECK (email <> '' AND length(email) <= 254),
    name          text        NOT NULL CHECK (name <> '' AND length(name) <= 200),
    role          text        NOT NULL CHECK (role IN ('admin', 'recruiter', 'staff')),
    password_hash text        NOT NULL,
    active        boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));

-- +goose Down
DROP TABLE staff_users;
