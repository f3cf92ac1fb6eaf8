//! Throttling of failed logins, per account and per client address, so that guessing passwords
//! is slow while the real user is never kept out for long.
//!
//! Each key (an account name as typed, or a client address) counts its failures within a window.
//! The first few failures are free; after that each further attempt must wait, doubling from one
//! second up to a ceiling (a minute for an account, a quarter of an hour for an address). A
//! success clears the account's count. Keys untouched for a window are forgotten, and the table
//! never holds more than a bound of keys (the oldest go first), so a flood of made-up names
//! cannot grow memory. Time is a parameter: callers pass the clock.
//!
//! Attempts arriving together: an account's attempt counts as a failure as soon as it begins
//! (its check is slow; one person logs in from one place at a time) and is taken back if it
//! turns out right or is abandoned. An address's failures count once known, and the attempts it
//! has in flight at once are bounded instead: a whole office behind one address logging in at
//! the same moment is not slowed, a flood from one address is held to a few dozen checks at a
//! time until its failures block it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// How one kind of key is throttled.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed in a window before waits begin.
    pub n_free: u32,
    /// How long failures are remembered.
    pub window: Duration,
    /// The longest wait.
    pub max_wait: Duration,
}

/// Accounts: five free tries, then waits of at most a minute.
pub const ACCOUNT_LIMITS: Limits = Limits {
    n_free: 5,
    window: Duration::from_secs(15 * 60),
    max_wait: Duration::from_secs(60),
};

/// Client addresses: twenty free tries (an office behind one address), then up to 15 minutes.
pub const ADDRESS_LIMITS: Limits = Limits {
    n_free: 20,
    window: Duration::from_secs(15 * 60),
    max_wait: Duration::from_secs(15 * 60),
};

/// The most keys remembered of each kind.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    n_failures: u32,
    /// When the first failure of the window happened (ms).
    since_ms: i64,
    /// No attempt before this (ms).
    blocked_until_ms: i64,
    last_ms: i64,
}

#[derive(Debug)]
struct Table<K> {
    limits: Limits,
    entries: HashMap<K, Failures>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new(limits: Limits) -> Self {
        Table {
            limits,
            entries: HashMap::new(),
        }
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.limits.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// How long `key` must still wait, if it must.
    fn wait(&self, key: &K, now_ms: i64) -> Option<Duration> {
        let entry = self.entries.get(key)?;
        let left = entry.blocked_until_ms - now_ms;
        (left > 0).then(|| Duration::from_millis(u64::try_from(left).unwrap_or(0)))
    }

    fn fail(&mut self, key: &K, now_ms: i64) {
        let window_ms = self.window_ms();
        if self.entries.len() >= MAX_KEYS && !self.entries.contains_key(key) {
            self.forget_old(now_ms);
        }
        let entry = self.entries.entry(key.clone()).or_insert(Failures {
            n_failures: 0,
            since_ms: now_ms,
            blocked_until_ms: 0,
            last_ms: now_ms,
        });
        if now_ms - entry.since_ms > window_ms {
            *entry = Failures {
                n_failures: 0,
                since_ms: now_ms,
                blocked_until_ms: 0,
                last_ms: now_ms,
            };
        }
        entry.n_failures += 1;
        entry.last_ms = now_ms;
        if entry.n_failures > self.limits.n_free {
            let over = entry.n_failures - self.limits.n_free - 1;
            let wait = Duration::from_secs(1u64 << over.min(30)).min(self.limits.max_wait);
            entry.blocked_until_ms = now_ms + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
        }
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Takes back one failure (an attempt counted in advance that was abandoned); back within
    /// the free tries, the wait it caused is lifted.
    fn refund(&mut self, key: &K) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.n_failures = entry.n_failures.saturating_sub(1);
            if entry.n_failures <= self.limits.n_free {
                entry.blocked_until_ms = 0;
            }
        }
    }

    /// Drops entries older than the window; if still full, the least recently failed half.
    fn forget_old(&mut self, now_ms: i64) {
        let window_ms = self.window_ms();
        self.entries
            .retain(|_, e| now_ms - e.last_ms <= window_ms || e.blocked_until_ms > now_ms);
        if self.entries.len() >= MAX_KEYS {
            let mut ages: Vec<i64> = self.entries.values().map(|e| e.last_ms).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            self.entries.retain(|_, e| e.last_ms > cutoff);
        }
    }
}

/// The most login attempts one address may have in flight at once.
pub const MAX_IN_FLIGHT_PER_ADDRESS: u32 = 32;

/// Failed logins per account and per client address.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: Table<String>,
    addresses: Table<IpAddr>,
    /// Attempts begun and not yet ended, per address.
    in_flight: HashMap<IpAddr, u32>,
}

impl Default for LoginThrottle {
    fn default() -> LoginThrottle {
        LoginThrottle::with_limits(ACCOUNT_LIMITS, ADDRESS_LIMITS)
    }
}

/// Why a login attempt must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttled {
    Account(Duration),
    Address(Duration),
}

impl Throttled {
    pub fn wait(self) -> Duration {
        match self {
            Throttled::Account(d) | Throttled::Address(d) => d,
        }
    }
}

impl LoginThrottle {
    pub fn with_limits(account: Limits, address: Limits) -> LoginThrottle {
        LoginThrottle {
            accounts: Table::new(account),
            addresses: Table::new(address),
            in_flight: HashMap::new(),
        }
    }

    /// Whether an attempt for `username` from `address` may go ahead now.
    pub fn check(&self, username: &str, address: IpAddr, now_ms: i64) -> Result<(), Throttled> {
        if let Some(wait) = self.addresses.wait(&address, now_ms) {
            return Err(Throttled::Address(wait));
        }
        if let Some(wait) = self.accounts.wait(&account_key(username), now_ms) {
            return Err(Throttled::Account(wait));
        }
        Ok(())
    }

    pub fn failed(&mut self, username: &str, address: IpAddr, now_ms: i64) {
        self.accounts.fail(&account_key(username), now_ms);
        self.addresses.fail(&address, now_ms);
    }

    /// Checks an attempt and begins it: the account counts it as a failure in advance, so that
    /// many attempts on one account arriving together are throttled as they arrive rather than
    /// once their (slow) checks are done; the address counts it in flight. End it with
    /// [`LoginThrottle::succeeded`], [`LoginThrottle::failed_attempt`] or
    /// [`LoginThrottle::abandoned`].
    pub fn begin(&mut self, username: &str, address: IpAddr, now_ms: i64) -> Result<(), Throttled> {
        self.check(username, address, now_ms)?;
        let in_flight = self.in_flight.entry(address).or_default();
        if *in_flight >= MAX_IN_FLIGHT_PER_ADDRESS {
            return Err(Throttled::Address(Duration::from_secs(1)));
        }
        *in_flight += 1;
        self.accounts.fail(&account_key(username), now_ms);
        Ok(())
    }

    /// A begun attempt was right: the account's count starts again.
    pub fn succeeded(&mut self, username: &str, address: IpAddr) {
        self.accounts.clear(&account_key(username));
        self.end(address);
    }

    /// A begun attempt was wrong: the address counts the failure (the account already has).
    pub fn failed_attempt(&mut self, address: IpAddr, now_ms: i64) {
        self.addresses.fail(&address, now_ms);
        self.end(address);
    }

    /// A begun attempt was never decided (the server was busy, or failed): it counts for
    /// nothing.
    pub fn abandoned(&mut self, username: &str, address: IpAddr) {
        self.accounts.refund(&account_key(username));
        self.end(address);
    }

    fn end(&mut self, address: IpAddr) {
        if let Some(n) = self.in_flight.get_mut(&address) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.in_flight.remove(&address);
            }
        }
    }

    /// Forgets failures older than their window.
    pub fn prune(&mut self, now_ms: i64) {
        self.accounts.forget_old(now_ms);
        self.addresses.forget_old(now_ms);
    }

    pub fn n_keys(&self) -> usize {
        self.accounts.entries.len() + self.addresses.entries.len() + self.in_flight.len()
    }
}

/// Account names as typed, bounded and case-folded, so that "Lan" and "lan" share a count and a
/// very long name costs no more than a short one.
fn account_key(username: &str) -> String {
    username.chars().take(64).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7));

    fn attempts(
        throttle: &mut LoginThrottle,
        user: &str,
        from: IpAddr,
        n: u32,
        at_ms: i64,
    ) -> Vec<String> {
        (0..n)
            .map(|_| match throttle.check(user, from, at_ms) {
                Ok(()) => {
                    throttle.failed(user, from, at_ms);
                    "tried".to_string()
                }
                Err(t) => format!("{t:?}"),
            })
            .collect()
    }

    #[test]
    fn an_account_waits_after_five_failures_and_not_for_long() {
        let mut throttle = LoginThrottle::default();
        let seen = attempts(&mut throttle, "lan", HOME, 7, 0);
        assert_eq!(
            seen,
            [
                "tried",
                "tried",
                "tried",
                "tried",
                "tried",
                "tried",
                "Account(1s)"
            ]
        );
        // Guessing on keeps doubling the wait, never beyond a minute.
        let mut now = 0;
        for _ in 0..20 {
            now += 30_000;
            throttle.failed("lan", IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 1, 1)), now);
        }
        assert_eq!(
            throttle.check("LAN", HOME, now),
            Err(Throttled::Account(Duration::from_secs(60)))
        );
        // The real user, a minute later, gets in and the count starts again.
        assert_eq!(throttle.begin("lan", HOME, now + 60_000), Ok(()));
        throttle.succeeded("lan", HOME);
        assert_eq!(throttle.check("lan", HOME, now + 60_000), Ok(()));
    }

    #[test]
    fn an_address_guessing_many_accounts_is_slowed() {
        let mut throttle = LoginThrottle::default();
        let mut outcomes = Vec::new();
        for n in 0..22 {
            outcomes.extend(attempts(&mut throttle, &format!("user{n}"), HOME, 1, 0));
        }
        assert_eq!(outcomes[..20].iter().filter(|o| *o == "tried").count(), 20);
        assert_eq!(outcomes[21], "Address(1s)");
        let elsewhere = IpAddr::V4(std::net::Ipv4Addr::new(10, 9, 9, 9));
        assert_eq!(
            throttle.check("user0", elsewhere, 0),
            Ok(()),
            "other addresses are not slowed"
        );
        // After the window everything is forgotten.
        throttle.prune(ADDRESS_LIMITS.window.as_millis() as i64 + 2_000_000);
        assert_eq!(throttle.n_keys(), 0);
    }

    #[test]
    fn an_office_logging_in_behind_one_address_is_not_slowed() {
        let mut throttle = LoginThrottle::default();
        for n in 0..100 {
            let user = format!("staff{n}");
            assert_eq!(throttle.begin(&user, HOME, n), Ok(()), "login {n}");
            throttle.succeeded(&user, HOME);
        }
    }

    #[test]
    fn an_office_logging_in_at_the_same_moment_behind_one_address_is_not_slowed() {
        let mut throttle = LoginThrottle::default();
        let users: Vec<String> = (0..MAX_IN_FLIGHT_PER_ADDRESS)
            .map(|n| format!("staff{n}"))
            .collect();
        for user in &users {
            assert_eq!(throttle.begin(user, HOME, 0), Ok(()), "{user} begins");
        }
        for user in &users {
            throttle.succeeded(user, HOME);
        }
        assert_eq!(throttle.check("staff0", HOME, 0), Ok(()));
        assert_eq!(throttle.n_keys(), 0, "nothing is left counted");
    }

    #[test]
    fn attempts_in_flight_from_one_address_are_bounded_and_its_failures_block_it() {
        let mut throttle = LoginThrottle::default();
        let begun: Vec<bool> = (0..MAX_IN_FLIGHT_PER_ADDRESS + 8)
            .map(|n| throttle.begin(&format!("user{n}"), HOME, 0).is_ok())
            .collect();
        assert_eq!(
            begun.iter().filter(|ok| **ok).count() as u32,
            MAX_IN_FLIGHT_PER_ADDRESS
        );
        assert_eq!(
            throttle.begin("one-more", HOME, 0),
            Err(Throttled::Address(Duration::from_secs(1)))
        );
        for _ in 0..MAX_IN_FLIGHT_PER_ADDRESS {
            throttle.failed_attempt(HOME, 0);
        }
        assert!(
            matches!(
                throttle.check("anyone", HOME, 0),
                Err(Throttled::Address(_))
            ),
            "{} failures block the address",
            MAX_IN_FLIGHT_PER_ADDRESS
        );
    }

    #[test]
    fn an_abandoned_attempt_counts_for_nothing() {
        let mut throttle = LoginThrottle::default();
        for _ in 0..ACCOUNT_LIMITS.n_free + 1 {
            assert_eq!(throttle.begin("lan", HOME, 0), Ok(()));
        }
        assert!(
            throttle.check("lan", HOME, 0).is_err(),
            "counted in advance"
        );
        for _ in 0..ACCOUNT_LIMITS.n_free + 1 {
            throttle.abandoned("lan", HOME);
        }
        assert_eq!(throttle.check("lan", HOME, 0), Ok(()), "taken back");
    }

    #[test]
    fn attempts_arriving_together_are_counted_as_they_arrive() {
        let mut throttle = LoginThrottle::default();
        let outcomes: Vec<bool> = (0..50)
            .map(|_| throttle.begin("lan", HOME, 0).is_ok())
            .collect();
        assert_eq!(
            outcomes.iter().filter(|ok| **ok).count(),
            6,
            "five free, the sixth blocks the rest"
        );
    }

    #[test]
    fn made_up_names_do_not_grow_the_table_without_bound() {
        let mut throttle = LoginThrottle::default();
        for n in 0..(MAX_KEYS + 10) {
            throttle.failed(&format!("no-such-user-{n}"), HOME, n as i64);
        }
        assert!(throttle.n_keys() <= MAX_KEYS + 1, "{}", throttle.n_keys());
    }
}
