//! What a run produces: the sources it read, the model, one checklist per resource and the
//! timings. The engine fills a [`Scan`]; reports, Guard and attestations read it.

use crate::model::result::{ResourceResult, UnusedSuppression};
use crate::model::Model;
use crate::par::PARALLEL_MIN;
use crate::source::{FileFormat, FileId, SourceMap};
use rayon::prelude::*;

/// The result of a run.
#[derive(Debug, Default)]
pub struct Scan {
    /// All files read.
    pub sources: SourceMap,
    /// Files recognised as Terraform or CloudFormation, with their format.
    pub files: Vec<(FileId, FileFormat)>,
    /// Resources, errors and notices.
    pub model: Model,
    /// One checklist per resource (same order as `model.resources`, sorted by file and position).
    pub results: Vec<ResourceResult>,
    /// Suppressions that silenced nothing.
    pub unused_suppressions: Vec<UnusedSuppression>,
    /// Wall time of each stage, in order, with the resident memory at its end where the OS
    /// tells it (`--timings`).
    pub timings: Vec<Lap>,
    /// The run only parsed (the scan options' `parse_only`): nothing is evaluated.
    pub parse_only: bool,
    /// `results` were filled unit by unit while adapting (`collect_with`); the resource
    /// bodies are already freed.
    pub evaluated: bool,
    /// The run's date (days since 1970-01-01) lifecycles are judged against (`None`: today by
    /// the system clock when [`Scan::evaluate`] runs).
    pub date: Option<i64>,
}

impl Scan {
    /// Whether any input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        !self.model.errors.is_empty()
    }
}

impl Scan {
    /// Frees the resource bodies (the report needs headers only), on every core.
    pub fn release_bodies(&mut self) {
        let resources = &mut self.model.resources;
        if resources.len() < PARALLEL_MIN {
            resources.iter_mut().for_each(|r| r.release_body());
        } else {
            resources
                .par_iter_mut()
                .with_min_len(256)
                .for_each(|r| r.release_body());
        }
    }

    /// Frees the model and the results on every core, keeping only the sources (which the
    /// renderers need for snippets).
    pub fn into_sources(mut self) -> SourceMap {
        let sources = std::mem::take(&mut self.sources);
        let resources = std::mem::take(&mut self.model.resources);
        let results = std::mem::take(&mut self.results);
        if resources.len() < PARALLEL_MIN {
            return sources;
        }
        rayon::join(
            || resources.into_par_iter().with_min_len(256).for_each(drop),
            || results.into_par_iter().with_min_len(256).for_each(drop),
        );
        sources
    }
}

/// One stage's timing.
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    /// Stage name.
    pub stage: &'static str,
    /// Wall time.
    pub wall: std::time::Duration,
    /// Resident memory at the end of the stage, in bytes (Linux only).
    pub rss: Option<u64>,
    /// The stage ran beside others on the same workers, within the stage listed before it
    /// (its time is part of that one's and is not added to the total).
    pub beside: bool,
}

/// The process's resident memory in bytes, where the OS tells it (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
