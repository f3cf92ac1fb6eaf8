//! Password checks (argon2id, 19 MiB and tens of milliseconds each) on a pool of their own: as
//! many threads as the machine has cores, and a bounded queue in front. A flood of logins
//! therefore costs at most `n_threads` hashes' memory and never takes the threads that storage
//! writes and sync run on; when the queue is full a login is answered "busy" at once instead of
//! piling up.

use std::sync::mpsc;

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The pool; cheap to clone.
#[derive(Clone)]
pub struct PasswordPool {
    jobs: mpsc::SyncSender<Job>,
    n_threads: usize,
}

/// The pool's queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many logins are being checked; try again in a moment")]
pub struct Busy;

impl PasswordPool {
    /// A pool of `n_threads` threads with room for `queue` waiting checks.
    pub fn new(n_threads: usize, queue: usize) -> PasswordPool {
        let n_threads = n_threads.max(1);
        let (jobs, receiver) = mpsc::sync_channel::<Job>(queue);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for idx in 0..n_threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-{idx}"))
                .spawn(move || loop {
                    let job = {
                        let receiver = receiver.lock().unwrap_or_else(|p| p.into_inner());
                        receiver.recv()
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("a password thread starts");
        }
        PasswordPool { jobs, n_threads }
    }

    /// A pool sized for this machine: one thread per core, 64 waiting per thread.
    pub fn for_this_machine() -> PasswordPool {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordPool::new(n, 64 * n)
    }

    pub fn n_threads(&self) -> usize {
        self.n_threads
    }

    /// Runs `check` on the pool; `Busy` at once when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(check());
        });
        self.jobs.try_send(job).map_err(|_| Busy)?;
        result.await.map_err(|_| Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread")]
    async fn at_most_n_checks_run_at_once_and_a_full_queue_answers_busy() {
        let pool = PasswordPool::new(2, 3);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut waiting = Vec::new();
        for _ in 0..12 {
            let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
            waiting.push(tokio::spawn(async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        let mut n_busy = 0;
        for task in waiting {
            if task.await.unwrap() == Err(Busy) {
                n_busy += 1;
            }
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "never more than the pool's threads"
        );
        assert!(
            n_busy >= 12 - 2 - 3,
            "the rest is refused at once: {n_busy}"
        );
    }
}
