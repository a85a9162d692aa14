//! The one clock of a run: each stage's wall time and the resident memory at its end
//! (`--timings`).

use crate::outcome::{resident_bytes, Lap};

/// Stage timings.
pub struct Clock {
    last: std::time::Instant,
    /// The stages timed so far.
    pub laps: Vec<Lap>,
    /// Stages that ran beside the one in progress, listed after it when it ends.
    beside: Vec<Lap>,
}

impl Clock {
    /// Starts timing now.
    pub fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
            beside: Vec::new(),
        }
    }

    /// The stage that ran since the last lap is called `stage`.
    pub fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push(Lap {
            stage,
            wall: now.duration_since(self.last),
            rss: resident_bytes(),
            beside: false,
        });
        self.laps.append(&mut self.beside);
        self.last = now;
    }

    /// A stage that runs beside the one in progress took `wall`.
    pub fn beside(&mut self, stage: &'static str, wall: std::time::Duration) {
        self.beside.push(Lap {
            stage,
            wall,
            rss: None,
            beside: true,
        });
    }
}

/// `work`'s result and how long it took.
pub fn timed<R>(work: impl FnOnce() -> R) -> (R, std::time::Duration) {
    let started = std::time::Instant::now();
    let r = work();
    (r, started.elapsed())
}
