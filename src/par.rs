//! Thresholds for splitting work over rayon's workers, shared by the engine (which owns the
//! thread pools) and the stages that map a pure function over many items.

/// Fewer items than this are processed on the calling thread: handing work to the pool and
/// waiting for a worker to wake costs more than a small run's whole stage (measured on one-file
/// runs).
pub const PARALLEL_MIN: usize = 256;
