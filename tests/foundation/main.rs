//! Integration tests through the real router on a real database: SQLite by default, the
//! same suite on PostgreSQL when `EENPLAN_TEST_DATABASE_URL` is set.

mod common;

mod access;
mod authentication;
mod authorization;
mod cases;
mod cbs;
mod declarations;
mod duties;
mod generator;
mod grants;
mod hostile;
mod ijw;
mod import;
mod input;
mod report_aggregates;
mod reports;
mod same_answer;
mod schema;
mod storage;
mod treatment_team;
