//! The wall-clock time of day, in the computer's time zone, for status lines ("14:05").

/// `HH:MM` of the instant `ms` (Unix milliseconds) in local time.
#[cfg(target_arch = "wasm32")]
pub fn hh_mm(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// `HH:MM` of the instant `ms` (Unix milliseconds); natively (tests only) in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn hh_mm(ms: i64) -> String {
    let minutes_of_day = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60)
}

/// `dd/mm/yyyy HH:MM` of the instant `ms` (Unix milliseconds) in local time.
#[cfg(target_arch = "wasm32")]
pub fn date_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        date.get_date(),
        date.get_month() + 1,
        date.get_full_year(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// `dd/mm/yyyy HH:MM` of the instant `ms` (Unix milliseconds); natively (tests only) in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn date_time(ms: i64) -> String {
    let day = shared::calendar::Date::from_days_since_epoch(ms.div_euclid(86_400_000));
    format!("{day} {}", hh_mm(ms))
}

/// `dd/mm/yyyy` of the instant `ms` (Unix milliseconds) in local time.
#[cfg(target_arch = "wasm32")]
pub fn date(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:02}/{:02}/{:04}",
        date.get_date(),
        date.get_month() + 1,
        date.get_full_year()
    )
}

/// `dd/mm/yyyy` of the instant `ms` (Unix milliseconds); natively (tests only) in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn date(ms: i64) -> String {
    shared::calendar::Date::from_days_since_epoch(ms.div_euclid(86_400_000)).to_string()
}

/// Now, in Unix milliseconds.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Now, in Unix milliseconds.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_hours_and_minutes_with_two_digits() {
        assert_eq!(super::hh_mm(0), "00:00");
        // 2026-03-02 07:05:59 UTC.
        assert_eq!(super::hh_mm(1_772_435_159_000), "07:05");
        assert_eq!(super::date_time(1_772_435_159_000), "02/03/2026 07:05");
        assert_eq!(super::date(1_772_435_159_000), "02/03/2026");
    }
}
