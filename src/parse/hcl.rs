//! Terraform native syntax through hcl-edit, with a time bound.
//!
//! hcl-edit limits nesting (64 levels), so deep input cannot overflow the stack, but its parser
//! backtracks: on some invalid input (an unterminated nested object, `{a - b - {a - b - {…`) the
//! work doubled with every level, so a few hundred bytes could keep it busy for longer than the
//! age of the universe (found by fuzzing). The vendored hcl-edit (`vendor/README.md`) counts
//! parse steps and gives up past a budget linear in the input: such a file is a `too-complex`
//! error at the place the parser gave up, at once. As a second net, the parse still runs on a
//! helper thread and is abandoned after [`PARSE_DEADLINE`] (an abandoned thread cannot be
//! stopped and keeps a core until the process exits; no known input reaches it any more).
//!
//! Each calling thread keeps one helper thread for all its parses (starting a thread per file
//! cost about a tenth of a corpus run); a helper that overran is abandoned and replaced.

use hcl_edit::structure::Body;
use std::time::Duration;

/// How long one file may take to parse.
pub const PARSE_DEADLINE: Duration = Duration::from_secs(10);

/// A parse failure: byte offset, stable code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HclError {
    /// Byte offset of the problem in the parsed text.
    pub offset: usize,
    /// `parse-error`, or `too-complex` when the parser ran out of time.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Parses HCL body text (without a BOM), giving up after [`PARSE_DEADLINE`].
pub fn parse_body(text: &str) -> Result<Body, HclError> {
    parse_body_within(text, PARSE_DEADLINE)
}

/// A parse request for a helper thread, and where to send the result.
type Job = (String, std::sync::mpsc::Sender<Result<Body, HclError>>);

thread_local! {
    /// This thread's parse helper: a long-lived thread, so a scan of thousands of files does
    /// not start a thread per file. Replaced when a parse overruns its deadline.
    static HELPER: std::cell::RefCell<Option<std::sync::mpsc::Sender<Job>>> =
        const { std::cell::RefCell::new(None) };
}

fn spawn_helper() -> Option<std::sync::mpsc::Sender<Job>> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("srm-lint-hcl".into())
        .spawn(move || {
            // Ends when the owning thread drops its sender (or abandons this helper).
            while let Ok((text, reply)) = rx.recv() {
                let _ = reply.send(direct(&text));
            }
        })
        .ok()?;
    Some(tx)
}

/// All the parse time one run may spend past [`RUN_GRACE`] per file, counted from the first
/// parse that overran it: many slow files share this one clock instead of each getting the full
/// per-file deadline.
pub const RUN_PARSE_BUDGET: Duration = Duration::from_secs(20);

/// How long any parse may take before it starts spending the run's budget.
pub const RUN_GRACE: Duration = Duration::from_secs(1);

/// When the run's parse budget runs out: set by the first parse that overran [`RUN_GRACE`].
/// The engine clears it when a run starts ([`start_run`]).
static RUN_DEADLINE: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);

/// Starts a run: the run's parse budget is whole again.
pub fn start_run() {
    *RUN_DEADLINE.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// How long a parse that has already run for [`RUN_GRACE`] may go on, given its own remaining
/// deadline `own` and the run's deadline (set now if this is the first overrun): the smaller.
fn run_wait(own: Duration, now: std::time::Instant) -> (Duration, bool) {
    let mut guard = RUN_DEADLINE.lock().unwrap_or_else(|p| p.into_inner());
    let run_end = *guard.get_or_insert(now + RUN_PARSE_BUDGET);
    let left = run_end.saturating_duration_since(now);
    if left < own {
        (left, true)
    } else {
        (own, false)
    }
}

/// Parses HCL body text, giving up after `deadline`, or earlier once the run's parse budget
/// ([`RUN_PARSE_BUDGET`]) is spent.
pub fn parse_body_within(text: &str, deadline: Duration) -> Result<Body, HclError> {
    let helper = HELPER.with(|h| {
        let mut h = h.borrow_mut();
        if h.is_none() {
            *h = spawn_helper();
        }
        h.clone()
    });
    let Some(helper) = helper else {
        // No thread to spare: parse here, unbounded.
        return direct(text);
    };
    let (reply_tx, reply_rx) = std::sync::mpsc::channel();
    if helper.send((text.to_string(), reply_tx)).is_err() {
        HELPER.with(|h| *h.borrow_mut() = None);
        return direct(text);
    }
    // Most parses end well within the grace; a longer one shares the run's clock.
    let first = reply_rx.recv_timeout(RUN_GRACE.min(deadline));
    let (result, by_run) = match first {
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) if deadline > RUN_GRACE => {
            let (wait, by_run) = run_wait(deadline - RUN_GRACE, std::time::Instant::now());
            (reply_rx.recv_timeout(wait), by_run)
        }
        other => (other, false),
    };
    match result {
        Ok(r) => r,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            // The helper died (it cannot panic on input, but be safe): parse here.
            HELPER.with(|h| *h.borrow_mut() = None);
            direct(text)
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // Abandon the busy helper; the next parse starts a fresh one.
            HELPER.with(|h| *h.borrow_mut() = None);
            let message = if by_run {
                format!(
                    "the run's parse-time budget ({} s over all slow files) is spent; file skipped",
                    RUN_PARSE_BUDGET.as_secs()
                )
            } else {
                format!(
                    "the Terraform parser did not finish within {} s (pathologically nested or ambiguous syntax); file skipped",
                    deadline.as_secs()
                )
            };
            Err(HclError {
                offset: 0,
                code: "too-complex",
                message,
            })
        }
    }
}

/// Deepest bracket nesting accepted in a template string of a `.tf.json` file (which is parsed
/// again each time it is evaluated, so a deadline would not bound the total).
pub const MAX_TEMPLATE_NESTING: usize = 16;

/// Parses a string template (`"${…}"` from a `.tf.json` file); a template nested deeper than
/// [`MAX_TEMPLATE_NESTING`] brackets is refused before parsing, which bounds the parser's
/// backtracking.
pub fn parse_template(text: &str) -> Result<hcl_edit::template::Template, HclError> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_TEMPLATE_NESTING {
                    return Err(HclError {
                        offset: i,
                        code: "too-complex",
                        message: format!(
                            "template nested deeper than {MAX_TEMPLATE_NESTING} brackets"
                        ),
                    });
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    hcl_edit::parser::parse_template(text).map_err(|e| HclError {
        offset: e.location().offset(),
        code: "parse-error",
        message: e.message().to_string(),
    })
}

fn direct(text: &str) -> Result<Body, HclError> {
    // Duplicate object keys are accepted the way Terraform accepts them.
    super::hcl_dupkeys::parse_body(text).map_err(|e| {
        if e.message().contains(STEP_BUDGET_MESSAGE) {
            HclError {
                offset: e.location().offset(),
                code: "too-complex",
                message: format!(
                    "the Terraform parser gave up here: this nesting makes its work grow \
                     exponentially (parse-step budget of {} per byte spent); file skipped",
                    STEPS_PER_BYTE
                ),
            }
        } else {
            HclError {
                offset: e.location().offset(),
                code: "parse-error",
                message: e.message().to_string(),
            }
        }
    })
}

/// What the vendored hcl-edit says when its parse-step budget is spent (`vendor/README.md`).
const STEP_BUDGET_MESSAGE: &str = "less ambiguous nesting";
/// The vendored hcl-edit's parse steps per input byte.
const STEPS_PER_BYTE: usize = 8;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backtracking_is_cut_off() {
        // The work doubled per level (24 levels took a minute or more); the vendored hcl-edit's
        // step budget stops it long before the deadline.
        let text = format!("a = {}", "{a -b - ".repeat(24));
        let err = parse_body_within(&text, Duration::from_secs(5)).unwrap_err();
        assert_eq!(err.code, "too-complex");
        assert!(err.message.contains("gave up here"), "{}", err.message);
        // Ordinary errors and valid input are unchanged.
        let err = parse_body("a = = 1\n").unwrap_err();
        assert_eq!((err.code, err.offset), ("parse-error", 4));
        assert!(parse_body("a = { b = [1, 2] }\n").is_ok());
    }

    #[test]
    fn slow_parses_share_one_run_clock() {
        start_run();
        let now = std::time::Instant::now();
        // The first overrun starts the run's clock: its own 9 s is within the 20 s budget.
        assert_eq!(
            run_wait(Duration::from_secs(9), now),
            (Duration::from_secs(9), false)
        );
        // Fifteen seconds later, a second slow file gets only what is left of the run's budget.
        let later = now + Duration::from_secs(15);
        assert_eq!(
            run_wait(Duration::from_secs(9), later),
            (Duration::from_secs(5), true)
        );
        // Past the budget, nothing is left.
        let after = now + Duration::from_secs(25);
        assert_eq!(
            run_wait(Duration::from_secs(9), after),
            (Duration::ZERO, true)
        );
        // A new run starts whole.
        start_run();
        assert_eq!(
            run_wait(Duration::from_secs(9), after),
            (Duration::from_secs(9), false)
        );
        start_run();
    }

    #[test]
    fn deep_templates_are_refused_before_parsing() {
        let text = format!("${{{}}}", "{a - b - ".repeat(40));
        let err = parse_template(&text).unwrap_err();
        assert_eq!(err.code, "too-complex");
        assert!(parse_template("${jsonencode({a = [1, {b = 2}]})}").is_ok());
    }
}
