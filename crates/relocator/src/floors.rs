//! The floors of the core, kept by a test: the ground floor names things
//! (our folders and ids, the operations, the problems and errors, sizes
//! and times, progress) and uses nothing above it, so that every other
//! module can name things without reaching up into the operations. See
//! `docs/ARCHITECTURE.md` for the floors above.

/// The ground floor: these modules use only each other.
#[cfg(not(windows))]
const GROUND: [&str; 11] = [
    "units",
    "names",
    "operation",
    "cloud",
    "models",
    "stored_path",
    "not_permitted",
    "freshness",
    "problem",
    "error",
    "progress",
];

/// The modules `source` (a module's code, its tests left out) reaches
/// through `crate::…`.
fn uses(source: &str) -> Vec<String> {
    let code = source
        .split("\n#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    let mut found: Vec<String> = code
        .match_indices("crate::")
        .filter_map(|(at, _)| {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            (!name.is_empty()).then_some(name)
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// (The Windows build under Wine has no path to the sources.)
#[cfg(not(windows))]
#[test]
fn the_ground_floor_uses_nothing_above_it() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in GROUND {
        let source = std::fs::read_to_string(src.join(format!("{module}.rs"))).unwrap();
        let above: Vec<String> = uses(&source)
            .into_iter()
            .filter(|used| !GROUND.contains(&used.as_str()))
            .collect();
        assert!(
            above.is_empty(),
            "{module}.rs reaches up to {above:?}: the ground floor may use only {GROUND:?}"
        );
    }
}

#[test]
fn a_module_s_uses_are_read_from_its_code_not_its_tests() {
    let source = "use crate::names::x;\nfn f() { crate::units::y(); }\n\
                  #[cfg(test)]\nmod tests {\n use crate::relocate::z;\n}\n";
    assert_eq!(uses(source), ["names", "units"]);
}
