//! Sparse files keep their holes (issue 24: a 2 GiB sparse file took 2 GiB
//! on the drive). A file whose blocks hold less than its length is copied
//! region by region: the data the system finds (`SEEK_DATA`, `SEEK_HOLE`)
//! is copied, the holes are skipped, and the copy's length is set at the
//! end — holes on a drive that keeps them, zeros read back on one that does
//! not. Unix only: on Windows a file is copied whole (NTFS makes a file
//! sparse only when asked, and the Apple apps never ask).

use std::fs::Metadata;
#[cfg(unix)]
use std::{fs::File, io};

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

/// Copies the data of the file `from` (`input`, `len` bytes) into the empty
/// file `to` (`output`), holes left as holes: the system's account of
/// where the data is decides what is copied, and every range it calls a
/// hole is read too and checked to be zeros (a true hole costs no reading
/// from the disk), so a file system that misreports its holes loses
/// nothing. Where the system cannot tell (no `SEEK_DATA`), all of it is
/// copied. `done(n)` is told of every `n` bytes dealt with and may stop the
/// copy with its error.
#[cfg(unix)]
pub fn copy_regions(
    (from, input): (&std::path::Path, &File),
    (to, output): (&std::path::Path, &mut File),
    len: u64,
    chunk: u64,
    done: &mut dyn FnMut(u64) -> crate::Result<()>,
) -> crate::Result<()> {
    use io::Read as _;
    use rustix::fs::{SeekFrom, seek};
    let read_error = |e: io::Error| crate::Error::io(from, e);
    let write_error = |e: io::Error| crate::Error::io(to, e);
    let mut at = 0;
    while at < len {
        let (data, hole) = match seek(input, SeekFrom::Data(at)) {
            Ok(data) => (
                data.min(len),
                seek(input, SeekFrom::Hole(data)).map_or(len, |h| h.min(len)),
            ),
            // Nothing but a hole to the end.
            Err(rustix::io::Errno::NXIO) => (len, len),
            // The system cannot tell where data is: all of it is data.
            Err(_) => (at, len),
        };
        if data > at {
            keep_what_is_not_zero((from, input), (to, &*output), (at, data), done)?;
        }
        if data >= len {
            break;
        }
        seek(input, SeekFrom::Start(data)).map_err(|e| read_error(e.into()))?;
        seek(&*output, SeekFrom::Start(data)).map_err(|e| write_error(e.into()))?;
        let end = hole.max(data + 1);
        let mut left = end.min(len) - data;
        while left > 0 {
            let n = io::copy(&mut input.take(left.min(chunk)), output).map_err(write_error)?;
            if n == 0 {
                // The file got shorter: the caller's check after the copy says so.
                return Ok(());
            }
            left -= n;
            done(n)?;
        }
        at = end;
    }
    output.set_len(len).map_err(write_error)
}

/// Reads the range `start..end` of `from` the system calls a hole and
/// writes into `to` any part of it that is not zeros, so nothing depends on
/// the hole being real.
#[cfg(unix)]
fn keep_what_is_not_zero(
    (from, input): (&std::path::Path, &File),
    (to, output): (&std::path::Path, &File),
    (start, end): (u64, u64),
    done: &mut dyn FnMut(u64) -> crate::Result<()>,
) -> crate::Result<()> {
    use std::os::unix::fs::FileExt as _;
    const PIECE: u64 = 1 << 20;
    let mut buffer = vec![0u8; usize::try_from(PIECE.min(end - start)).unwrap_or(1 << 20)];
    let mut at = start;
    while at < end {
        let n = usize::try_from((end - at).min(buffer.len() as u64)).unwrap_or(buffer.len());
        let piece = &mut buffer[..n];
        input
            .read_exact_at(piece, at)
            .map_err(|e| crate::Error::io(from, e))?;
        if piece.iter().any(|b| *b != 0) {
            output
                .write_all_at(piece, at)
                .map_err(|e| crate::Error::io(to, e))?;
        }
        at += n as u64;
        done(n as u64)?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Seek as _, SeekFrom, Write as _};
    use std::os::unix::fs::MetadataExt as _;

    /// A file system that calls data a hole loses nothing: what is read
    /// there and is not zeros is written.
    #[test]
    fn a_misreported_hole_is_read_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        let mut data = vec![0u8; 3 << 20];
        data[(1 << 20) + 7] = 9;
        std::fs::write(&from, &data).unwrap();
        let input = File::open(&from).unwrap();
        let output = File::create(&to).unwrap();
        output.set_len(data.len() as u64).unwrap();
        let mut counted = 0;
        keep_what_is_not_zero(
            (&from, &input),
            (&to, &output),
            (0, data.len() as u64),
            &mut |n| {
                counted += n;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(counted, data.len() as u64);
        assert_eq!(std::fs::read(&to).unwrap(), data);
    }

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
            (&from, &input),
            (&to, &mut output),
            meta.len(),
            1 << 20,
            &mut |n| {
                counted += n;
                Ok(())
            },
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
