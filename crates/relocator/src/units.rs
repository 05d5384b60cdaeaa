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
