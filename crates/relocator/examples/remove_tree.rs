//! Deletes a folder tree the way Backup Relocator frees space after a move
//! (the parallel walk, files by all threads, folders deepest first), for
//! the benchmark's "freeing space" row against `rm -rf`. Not a user tool:
//! it asks nothing and deletes what it is given.
//!
//! `cargo run --release -p relocator --example remove_tree -- DIR`

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: remove_tree DIR");
        return std::process::ExitCode::from(2);
    };
    match relocator::removal::remove_tree(std::path::Path::new(&dir), &relocator::NoProgress) {
        Ok(freed) => {
            println!("{} files, {} bytes freed", freed.files, freed.bytes);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(1)
        }
    }
}
