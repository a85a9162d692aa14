//! Run-wide bounds: what one scan may spend in all, whatever its files (issue 24).
//!
//! Each bound is counted across the whole run, not per file or per resource, so many small
//! hostile files add up instead of each getting a fresh allowance. The engine creates one
//! [`RunBudget`] per run and hands it to the stages; a stage that finds a bound spent reports one
//! located `too-complex` error naming it, and carries on without the work (module calls not
//! instantiated, values unknown, so verdicts are `unverified`, never `addressed`).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Module instances one run may create (every root's, together).
pub const MAX_MODULE_INSTANCES: usize = 20_000;

/// Expression evaluation steps one run may take (every resource's, together).
pub const MAX_EVAL_STEPS: u64 = 150_000_000;

/// What one run has spent so far.
#[derive(Debug, Default)]
pub struct RunBudget {
    instances: AtomicUsize,
    steps: AtomicU64,
    instances_reported: AtomicBool,
    steps_reported: AtomicBool,
}

/// The outcome of asking for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Go on.
    Yes,
    /// Spent, and this caller is the first to find out: report it.
    SpentReport,
    /// Spent, already reported.
    Spent,
}

impl RunBudget {
    /// Takes one module instance.
    pub fn instance(&self) -> Grant {
        let n = self.instances.fetch_add(1, Ordering::Relaxed);
        if n < MAX_MODULE_INSTANCES {
            Grant::Yes
        } else if !self.instances_reported.swap(true, Ordering::Relaxed) {
            Grant::SpentReport
        } else {
            Grant::Spent
        }
    }

    /// Adds `n` evaluation steps; whether any are left.
    pub fn steps(&self, n: u64) -> Grant {
        let total = self.steps.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if total <= MAX_EVAL_STEPS {
            Grant::Yes
        } else if !self.steps_reported.swap(true, Ordering::Relaxed) {
            Grant::SpentReport
        } else {
            Grant::Spent
        }
    }

    /// Whether the evaluation steps are spent.
    pub fn steps_spent(&self) -> bool {
        self.steps.load(Ordering::Relaxed) > MAX_EVAL_STEPS
    }

    /// Module instances created so far (for the closing measurements).
    pub fn instances_used(&self) -> usize {
        self.instances
            .load(Ordering::Relaxed)
            .min(MAX_MODULE_INSTANCES)
    }

    /// Evaluation steps taken so far.
    pub fn steps_used(&self) -> u64 {
        self.steps.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_is_reported_once_then_refused() {
        let b = RunBudget::default();
        assert_eq!(b.steps(MAX_EVAL_STEPS), Grant::Yes);
        assert_eq!(b.steps(1), Grant::SpentReport);
        assert_eq!(b.steps(1), Grant::Spent);
        assert!(b.steps_spent());
        for _ in 0..MAX_MODULE_INSTANCES {
            assert_eq!(b.instance(), Grant::Yes);
        }
        assert_eq!(b.instance(), Grant::SpentReport);
        assert_eq!(b.instance(), Grant::Spent);
    }
}
