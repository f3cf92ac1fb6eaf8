//! A process watched through `/proc` (Linux): CPU seconds, and RSS and threads sampled every
//! 20 ms, for the regression tests and benches that bound the server's cost.

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::server::proc_status_kib;

/// What a [`Watcher`] saw.
#[derive(Debug, Clone, Copy, Default)]
pub struct Watched {
    /// Peak RSS over the process's life (the kernel's `VmHWM`), KiB.
    pub peak_rss_kib: u64,
    /// The most threads seen since the watcher started.
    pub max_threads: u64,
    /// The highest RSS (KiB) and most threads seen since [`Watcher::mark`].
    pub marked_rss_kib: u64,
    pub marked_threads: u64,
}

/// Samples a process's RSS and thread count every 20 ms until stopped.
pub struct Watcher {
    pid: u32,
    stop: Arc<AtomicBool>,
    marked: Arc<AtomicBool>,
    max_threads: Arc<AtomicU64>,
    marked_rss: Arc<AtomicU64>,
    marked_threads: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Watcher {
    pub fn start(pid: u32) -> Watcher {
        let stop = Arc::new(AtomicBool::new(false));
        let marked = Arc::new(AtomicBool::new(false));
        let max_threads = Arc::new(AtomicU64::new(0));
        let marked_rss = Arc::new(AtomicU64::new(0));
        let marked_threads = Arc::new(AtomicU64::new(0));
        let thread = std::thread::spawn({
            let (stop, marked) = (stop.clone(), marked.clone());
            let (max_threads, marked_rss, marked_threads) = (
                max_threads.clone(),
                marked_rss.clone(),
                marked_threads.clone(),
            );
            move || {
                while !stop.load(Ordering::Relaxed) {
                    let threads = proc_status_kib(pid, "Threads:");
                    let rss = proc_status_kib(pid, "VmRSS:");
                    if let Some(n) = threads {
                        max_threads.fetch_max(n, Ordering::Relaxed);
                    }
                    if marked.load(Ordering::Relaxed) {
                        if let Some(n) = threads {
                            marked_threads.fetch_max(n, Ordering::Relaxed);
                        }
                        if let Some(kib) = rss {
                            marked_rss.fetch_max(kib, Ordering::Relaxed);
                        }
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        });
        Watcher {
            pid,
            stop,
            marked,
            max_threads,
            marked_rss,
            marked_threads,
            thread,
        }
    }

    /// From now on samples also count as the marked phase's (e.g. a reconnect).
    pub fn mark(&self) {
        self.marked.store(true, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> Watched {
        Watched {
            peak_rss_kib: proc_status_kib(self.pid, "VmHWM:").unwrap_or(0),
            max_threads: self.max_threads.load(Ordering::Relaxed),
            marked_rss_kib: self.marked_rss.load(Ordering::Relaxed),
            marked_threads: self.marked_threads.load(Ordering::Relaxed),
        }
    }

    pub fn stop(self) -> Watched {
        let watched = self.snapshot();
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap();
        watched
    }
}

/// User + system CPU time of a process so far, in seconds.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / clock_ticks() as f64
}

fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100)
    })
}
