//! Windows only: embeds the icon, the version information and the manifest
//! (no elevation, long paths, per-monitor DPI) in `backup-relocator.exe`.
//! Elsewhere it does nothing. Cross-checking for Windows on Linux compiles
//! the resource too, with LLVM's `llvm-rc`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=windows/backup-relocator.exe.manifest");
    println!("cargo::rerun-if-changed=../../assets/icon.ico");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let crate_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let version = env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let script = resource_script(
        &version,
        &crate_dir.join("../../assets/icon.ico"),
        &crate_dir.join("windows/backup-relocator.exe.manifest"),
    );
    let rc = out_dir.join("backup-relocator.rc");
    fs::write(&rc, script).expect("write the resource script");
    embed_resource::compile(&rc, embed_resource::NONE)
        .manifest_required()
        .expect("compile the Windows resources (needs rc.exe, or llvm-rc when cross-checking)");
}

/// The `.rc` script, written out in full: `llvm-rc` before LLVM 16 has no preprocessor.
fn resource_script(version: &str, icon: &Path, manifest: &Path) -> String {
    let numbers: Vec<u16> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    let [major, minor, patch] = [0, 1, 2].map(|i| numbers.get(i).copied().unwrap_or(0));
    let quoted = |p: &Path| format!("\"{}\"", p.display().to_string().replace('\\', "/"));
    format!(
        r#"1 ICON {icon}
1 24 {manifest}
1 VERSIONINFO
FILEVERSION {major},{minor},{patch},0
PRODUCTVERSION {major},{minor},{patch},0
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "Backup Relocator developers"
      VALUE "FileDescription", "Backup Relocator"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "backup-relocator"
      VALUE "LegalCopyright", "MIT OR Apache-2.0"
      VALUE "OriginalFilename", "backup-relocator.exe"
      VALUE "ProductName", "Backup Relocator"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#,
        icon = quoted(icon),
        manifest = quoted(manifest),
    )
}
