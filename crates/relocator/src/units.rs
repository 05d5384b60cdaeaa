//! Sizes for people: "57.3 GB", in the decimal units Finder and Explorer's
//! drive pages use.

/// Formats a byte count as "0 bytes", "812 KB", "57.3 GB".
#[must_use]
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return if bytes == 1 {
            "1 byte".to_owned()
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut value = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        value /= 1000.0;
        unit = u;
        if value < 1000.0 {
            break;
        }
    }
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// A moment as this computer's clock shows it: "14:05".
#[must_use]
pub fn clock_time(at: std::time::SystemTime) -> String {
    jiff::Timestamp::try_from(at).map_or_else(
        |_| "later".to_owned(),
        |t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%H:%M")
                .to_string()
        },
    )
}

/// "3 minutes", "1 minute", "2 hours", "5 days": a span for people, in its
/// largest whole unit (under a minute: "less than a minute").
#[must_use]
pub fn span(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => "less than a minute".to_owned(),
        60..3_600 => count_of(secs / 60, "minute", "minutes"),
        3_600..86_400 => count_of(secs / 3_600, "hour", "hours"),
        _ => count_of(secs / 86_400, "day", "days"),
    }
}

/// "1 item", "3 items": a count with its noun.
#[must_use]
pub fn count_of(count: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        group_digits(count),
        if count == 1 { one } else { many }
    )
}

/// "1,234,567": a large count grouped in thousands.
#[must_use]
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{count_of, format_bytes, group_digits};

    #[test]
    fn spans_read_in_their_largest_unit() {
        use super::span;
        use std::time::Duration;
        assert_eq!(span(Duration::from_secs(30)), "less than a minute");
        assert_eq!(span(Duration::from_secs(61)), "1 minute");
        assert_eq!(span(Duration::from_mins(59)), "59 minutes");
        assert_eq!(span(Duration::from_hours(3)), "3 hours");
        assert_eq!(span(Duration::from_hours(50)), "2 days");
        let at = std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let shown = super::clock_time(at);
        assert_eq!(shown.len(), 5, "{shown}");
        assert_eq!(&shown[2..3], ":");
    }

    #[test]
    fn counts_read_in_words() {
        assert_eq!(count_of(1, "item", "items"), "1 item");
        assert_eq!(count_of(0, "item", "items"), "0 items");
        assert_eq!(count_of(200_000, "file", "files"), "200,000 files");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
    }

    #[test]
    fn sizes_read_like_a_drive_page() {
        assert_eq!(format_bytes(0), "0 bytes");
        assert_eq!(format_bytes(1), "1 byte");
        assert_eq!(format_bytes(999), "999 bytes");
        assert_eq!(format_bytes(1_000), "1.0 KB");
        assert_eq!(format_bytes(57_300_000_000), "57.3 GB");
        assert_eq!(format_bytes(812_000), "812 KB");
        assert_eq!(format_bytes(2_500_000_000_000), "2.5 TB");
    }
}
