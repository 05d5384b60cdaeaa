//! Sparse files keep their holes (issue 24: a 2 GiB sparse file took 2 GiB
//! on the drive). A file whose blocks hold less than its length is copied
//! region by region: the data the system finds (`SEEK_DATA`, `SEEK_HOLE`)
//! is copied, the holes are skipped, and the copy's length is set at the
//! end — holes on a drive that keeps them, zeros read back on one that does
//! not. Unix only: on Windows a file is copied whole (NTFS makes a file
//! sparse only when asked, and the Apple apps never ask).

use std::fs::{File, Metadata};
use std::io;

/// Whether `meta` describes a file with holes: fewer bytes allocated than
/// its length.
#[must_use]
pub fn has_holes(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.is_file() && meta.blocks().saturating_mul(512) < meta.len()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Copies the data of `input` (`len` bytes) into the empty `output`, holes
/// left as holes; `done(n)` is told of every `n` bytes of the file dealt
/// with (copied or skipped) and may stop the copy with its error; `fail`
/// turns a system error into one naming its file.
#[cfg(unix)]
pub fn copy_regions(
    input: &File,
    output: &mut File,
    len: u64,
    chunk: u64,
    done: &mut dyn FnMut(u64) -> crate::Result<()>,
    fail: &dyn Fn(io::Error) -> crate::Error,
) -> crate::Result<()> {
    use io::Read as _;
    use rustix::fs::{SeekFrom, seek};
    let mut at = 0;
    while at < len {
        let data = match seek(input, SeekFrom::Data(at)) {
            Ok(data) => data,
            // Nothing but a hole to the end.
            Err(rustix::io::Errno::NXIO) => len,
            Err(e) => return Err(fail(e.into())),
        };
        if data > at {
            done(data.min(len) - at)?;
        }
        if data >= len {
            break;
        }
        let hole = seek(input, SeekFrom::Hole(data))
            .map_err(|e| fail(e.into()))?
            .min(len);
        seek(input, SeekFrom::Start(data)).map_err(|e| fail(e.into()))?;
        seek(&*output, SeekFrom::Start(data)).map_err(|e| fail(e.into()))?;
        let mut left = hole - data;
        while left > 0 {
            let n = io::copy(&mut input.take(left.min(chunk)), output).map_err(fail)?;
            if n == 0 {
                // The file got shorter: the caller's check after the copy says so.
                return Ok(());
            }
            left -= n;
            done(n)?;
        }
        at = hole;
    }
    output.set_len(len).map_err(fail)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Seek as _, SeekFrom, Write as _};
    use std::os::unix::fs::MetadataExt as _;

    #[test]
    fn holes_stay_holes_and_the_data_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("sparse");
        let mut f = File::create(&from).unwrap();
        // 64 MiB with two small islands of data, one at the very end.
        f.seek(SeekFrom::Start(8 << 20)).unwrap();
        f.write_all(&vec![7u8; 70_000]).unwrap();
        f.seek(SeekFrom::Start((64 << 20) - 5)).unwrap();
        f.write_all(b"tail!").unwrap();
        drop(f);
        let meta = std::fs::metadata(&from).unwrap();
        if !has_holes(&meta) {
            eprintln!("skipped: this file system keeps no holes");
            return;
        }
        let to = dir.path().join("copy");
        let mut output = File::create(&to).unwrap();
        let input = File::open(&from).unwrap();
        let mut counted = 0;
        copy_regions(
            &input,
            &mut output,
            meta.len(),
            1 << 20,
            &mut |n| {
                counted += n;
                Ok(())
            },
            &|e| crate::Error::io(&from, e),
        )
        .unwrap();
        drop(output);
        assert_eq!(counted, meta.len(), "every byte is accounted for");
        assert_eq!(std::fs::read(&from).unwrap(), std::fs::read(&to).unwrap());
        let copied = std::fs::metadata(&to).unwrap();
        assert_eq!(copied.len(), meta.len());
        assert!(
            copied.blocks() * 512 < 4 << 20,
            "{} bytes allocated for a file of 75 kB of data",
            copied.blocks() * 512
        );
    }
}
