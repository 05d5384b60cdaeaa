//! `sample DIR`: writes a realistic, seeded sample backup.

use std::path::Path;
use std::process::ExitCode;

use relocator::sample::{self, SampleDevice, SampleSpec};
use relocator::units::format_bytes;

pub fn run(
    dir: &Path,
    seed: u64,
    devices: usize,
    files: usize,
    bytes: u64,
) -> relocator::Result<ExitCode> {
    let models = [
        ("Ana's iPhone", "iPhone15,2", "17.4.1"),
        ("Family iPad", "iPad13,18", "17.5"),
        ("Grandpa's iPhone", "iPhone10,4", "16.7.8"),
        ("Work iPhone", "iPhone16,1", "18.1"),
    ];
    let devices = (0..devices)
        .map(|i| {
            let (name, model, ios) = models[i % models.len()];
            let mut d = SampleDevice::new(name, model, ios);
            d.binary_plists = i % 2 == 0;
            d.new_udid = i % 2 == 0;
            d
        })
        .collect();
    let spec = SampleSpec {
        seed,
        devices,
        files_per_device: files,
        bytes_per_device: bytes,
    };
    let summary = sample::generate(dir, &spec)?;
    println!(
        "{}: {} in {} files",
        dir.display(),
        format_bytes(summary.bytes),
        summary.files
    );
    Ok(ExitCode::SUCCESS)
}
