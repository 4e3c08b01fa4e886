//! reprieve: a terminal dashboard for AWS Secrets Manager secrets that are
//! scheduled for deletion.

pub mod advice;
pub mod app;
pub mod args;
pub mod audit;
pub mod cli;
pub mod config;
pub mod dates;
pub mod engine;
pub mod filter;
pub mod keys;
pub mod layout;
pub mod purge;
pub mod runtime;
pub mod store;
pub mod text;
pub mod ui;
