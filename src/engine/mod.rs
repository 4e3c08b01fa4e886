//! The headless engine under the front ends: pacing calls under AWS quotas
//! and the restore queue, where every write passes. Nothing here draws or
//! reads a terminal.

pub mod pacer;
pub mod restore;

/// Index of a source (one profile or endpoint in one region); results and
/// rows carry it.
pub type SourceId = usize;
