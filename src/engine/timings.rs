//! The one clock of a run: each stage's wall time and the resident memory at its end
//! (`--timings`).

use crate::outcome::{resident_bytes, Lap};

/// Stage timings.
pub struct Clock {
    started: std::time::Instant,
    last: std::time::Instant,
    /// The stages timed so far.
    pub laps: Vec<Lap>,
    /// Stages that ran beside the one in progress, listed after it when it ends.
    beside: Vec<Lap>,
}

impl Clock {
    /// Starts timing now.
    pub fn start() -> Clock {
        Clock::start_at(std::time::Instant::now())
    }

    /// Starts timing at `started` (the process's start, for the command line's clock).
    pub fn start_at(started: std::time::Instant) -> Clock {
        Clock {
            started,
            last: started,
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

    /// Adds the library's own stage timings (already elapsed).
    pub fn extend(&mut self, inner: &[Lap]) {
        let sum: std::time::Duration = inner.iter().filter(|l| !l.beside).map(|l| l.wall).sum();
        let now = std::time::Instant::now();
        let rest = now.duration_since(self.last).saturating_sub(sum);
        if rest >= std::time::Duration::from_micros(50) {
            self.laps.push(Lap {
                stage: "(between stages)",
                wall: rest,
                rss: None,
                beside: false,
            });
        }
        self.laps.extend_from_slice(inner);
        self.last = now;
    }

    /// The `--timings` table: every stage, the total since the start and the peak memory.
    pub fn render(&self) -> String {
        let mut out = String::from("srm-lint timings:\n");
        for l in &self.laps {
            let ms = l.wall.as_secs_f64() * 1e3;
            if l.beside {
                // Part of the stage above, run beside the other parts on the same workers.
                out.push_str(&format!("    {:<28} {ms:>9.1} ms  (beside)\n", l.stage));
                continue;
            }
            out.push_str(&format!("  {:<30} {ms:>9.1} ms", l.stage));
            if let Some(b) = l.rss {
                out.push_str(&format!("  {:>8.1} MB resident", b as f64 / 1048576.0));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "  {:<30} {:>9.1} ms\n",
            "total",
            self.started.elapsed().as_secs_f64() * 1e3
        ));
        if let Some(kb) = peak_rss_kb() {
            out.push_str(&format!(
                "  {:<30} {:>9.1} MB\n",
                "peak memory (RSS)",
                kb as f64 / 1024.0
            ));
        }
        out
    }
}

/// Peak resident set size, where the OS tells it (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `work`'s result and how long it took.
pub fn timed<R>(work: impl FnOnce() -> R) -> (R, std::time::Duration) {
    let started = std::time::Instant::now();
    let r = work();
    (r, started.elapsed())
}
