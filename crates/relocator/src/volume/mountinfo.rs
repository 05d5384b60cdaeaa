//! Linux's mount table as the kernel gives it to a process
//! (`/proc/self/mountinfo`, see `proc_pid_mountinfo(5)`): for each mount its
//! device number, mount point, file system type and source. Parsing is a
//! pure function; so is picking the mount that holds a path.

use std::path::{Path, PathBuf};

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// `major:minor` of the device: equal to `st_dev` of every file on it.
    pub device: (u32, u32),
    /// Where it is mounted.
    pub mount_point: PathBuf,
    /// The file system type: `ext4`, `tmpfs`, `fuseblk`, `fuse.sshfs`…
    pub fs_type: String,
    /// What is mounted: `/dev/sda1`, an image file, a share, or a free text.
    pub source: String,
    /// Mounted read-only.
    pub read_only: bool,
}

/// Parses one line, e.g.
/// `46 27 7:0 / /mnt/x rw,nosuid - fuseblk /dev/loop0 rw,user_id=0`.
/// `None` for a line that does not have that shape.
#[must_use]
pub fn parse_line(line: &str) -> Option<Mount> {
    let (before, after) = line.split_once(" - ")?;
    let mut head = before.split(' ');
    let _id = head.next()?;
    let _parent = head.next()?;
    let (major, minor) = head.next()?.split_once(':')?;
    let _root = head.next()?;
    let mount_point = unescape(head.next()?);
    let options = head.next()?;
    let mut tail = after.split(' ');
    let fs_type = unescape(tail.next()?);
    let source = unescape(tail.next()?);
    Some(Mount {
        device: (major.parse().ok()?, minor.parse().ok()?),
        mount_point: PathBuf::from(mount_point),
        fs_type,
        source,
        read_only: options.split(',').any(|o| o == "ro"),
    })
}

/// Undoes the kernel's octal escapes (`\040` for a space, `\011`, `\012`, `\134`).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        if let Some(digits) = octal {
            let value = digits.iter().fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
            out.push(u8::try_from(value).unwrap_or(b'?'));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mount holding `path`: among the mounts of `device`, the one with the
/// longest mount point that is a prefix of `path` (bind mounts and stacked
/// mounts share devices); the longest prefix of any device if none matches.
#[must_use]
pub fn holding<'a>(mounts: &'a [Mount], path: &Path, device: (u32, u32)) -> Option<&'a Mount> {
    let longest = |same_device: bool| {
        mounts
            .iter()
            .filter(|m| !same_device || m.device == device)
            .filter(|m| path.starts_with(&m.mount_point))
            .max_by_key(|m| m.mount_point.as_os_str().len())
    };
    longest(true).or_else(|| longest(false))
}

/// Reads and parses this process's mount table.
pub fn read() -> std::io::Result<Vec<Mount>> {
    let text = std::fs::read_to_string("/proc/self/mountinfo")?;
    Ok(text.lines().filter_map(parse_line).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
22 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
45 27 0:40 / /tmp/fs/m/ntfs rw,relatime - fuse /tmp/fs/ntfs.img rw,user_id=0,group_id=0,allow_other
46 27 7:0 / /media/ana/Big\\040Drive rw,nosuid,nodev,relatime - fuseblk /dev/loop0 rw,blksize=4096
47 27 0:41 / /tmp/fs/m/fat ro,nosuid - fuse.fusefat fusefat rw,user_id=0
48 22 254:0 /srv/data /mnt/bind rw - ext4 /dev/vda rw
garbage line";

    fn mounts() -> Vec<Mount> {
        TABLE.lines().filter_map(parse_line).collect()
    }

    #[test]
    fn lines_parse_with_escapes_and_bad_lines_are_skipped() {
        let m = mounts();
        assert_eq!(m.len(), 5);
        assert_eq!(m[2].mount_point, Path::new("/media/ana/Big Drive"));
        assert_eq!(m[2].device, (7, 0));
        assert_eq!(m[2].fs_type, "fuseblk");
        assert_eq!(m[2].source, "/dev/loop0");
        assert!(m[3].read_only && !m[1].read_only);
        assert_eq!(m[3].fs_type, "fuse.fusefat");
    }

    #[test]
    fn the_holding_mount_is_the_longest_prefix_on_the_same_device() {
        let m = mounts();
        let pick = |p: &str, dev| holding(&m, Path::new(p), dev).map(|m| m.mount_point.clone());
        assert_eq!(
            pick("/media/ana/Big Drive/Backup", (7, 0)),
            Some("/media/ana/Big Drive".into())
        );
        assert_eq!(pick("/mnt/bind/x", (254, 0)), Some("/mnt/bind".into()));
        assert_eq!(pick("/home/ana", (254, 0)), Some("/".into()));
        // A name that merely starts like a mount point is not under it.
        assert_eq!(pick("/tmp/fs/m/fatter", (254, 0)), Some("/".into()));
        // No mount of that device holds it: the longest prefix of any.
        assert_eq!(
            pick("/tmp/fs/m/ntfs/a", (9, 9)),
            Some("/tmp/fs/m/ntfs".into())
        );
    }
}
