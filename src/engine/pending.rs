//! The catalog of a run, built on its own thread while the files are read and parsed.

use crate::catalog::{Catalog, CatalogError};

/// A catalog being built on its own thread while the files are read and parsed (building
/// it is most of a one-file run's start-up, and the scan needs it only to evaluate). The scan
/// asks for it when its first unit is ready to evaluate; whoever asks first waits for it.
pub struct PendingCatalog {
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<CatalogResult>>>,
    result: std::sync::OnceLock<CatalogResult>,
}

/// A built catalog, or every error of its policy files.
pub type CatalogResult = Result<Catalog, Vec<CatalogError>>;

impl PendingCatalog {
    /// Starts `job` on its own thread; a copy of the job runs here if no thread can be started.
    pub fn start(job: impl FnOnce() -> CatalogResult + Send + Clone + 'static) -> PendingCatalog {
        let pending = PendingCatalog {
            thread: std::sync::Mutex::new(None),
            result: std::sync::OnceLock::new(),
        };
        match std::thread::Builder::new()
            .name("srm-lint-catalog".into())
            .spawn(job.clone())
        {
            Ok(h) => {
                *pending.thread.lock().unwrap_or_else(|p| p.into_inner()) = Some(h);
            }
            Err(_) => {
                let _ = pending.result.set(job());
            }
        }
        pending
    }

    /// The catalog or its errors, waiting for the thread if it is still building.
    pub fn get(&self) -> &CatalogResult {
        if let Some(r) = self.result.get() {
            return r;
        }
        // Whoever holds the lock joins; the others wait on the lock, then find the result.
        let mut thread = self.thread.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = thread.take() {
            let r = h.join().unwrap_or_else(|_| not_built());
            let _ = self.result.set(r);
        }
        drop(thread);
        self.result.get_or_init(not_built)
    }

    /// The catalog or its errors, once built.
    pub fn wait(self) -> CatalogResult {
        self.get();
        self.result.into_inner().unwrap_or_else(not_built)
    }
}

/// The result of a catalog thread that died (it cannot panic on input, but be safe).
fn not_built() -> CatalogResult {
    Err(vec![CatalogError {
        path: "policies".into(),
        message: "the catalog could not be built".into(),
    }])
}
