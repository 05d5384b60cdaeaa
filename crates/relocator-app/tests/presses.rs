//! A screen reader's press lands on the control that was pressed, whatever
//! changes on the page between the reading of its tree and the press: a
//! drive list that changes under it, a count that arrives and draws a card
//! above the buttons. egui names a control by its place in the page, so
//! each changing part is a section of its own (`widgets::keyed_row`).
//! Driven without a display (`egui_kittest`), by AccessKit presses.

#![cfg(unix)]

mod common;

use std::fs;

use common::{Fakes, click, harness, settle};
use egui_kittest::kittest::Queryable as _;
use relocator::Operation;
use relocator_app::Page;
use relocator_tests::{Drive, scratch, small_backup};

#[test]
fn a_screen_reader_press_on_a_drive_lands_on_that_drive_when_the_list_changes_under_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 11, 4);
    let drives: Vec<_> = ["a", "b", "c"].map(|n| root.path().join(n)).into();
    for d in &drives {
        fs::create_dir(d).unwrap();
    }
    let fakes = Fakes {
        drives: drives.clone(),
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    assert_eq!(h.state().page, Page::Destination);
    // No relisting may put the drive back before the press is handled.
    h.state_mut().drives.asked_at = Some(std::time::Instant::now());
    // The press is read from the tree as it was; before the window handles
    // it, a new listing drops the drive above (unplugged, or the one the
    // backups are on now).
    h.get_by_label("Test Drive 3").click_accesskit();
    h.state_mut().drives.drives.remove(1);
    h.run();
    settle(&mut h);
    assert_eq!(
        h.state()
            .plan
            .as_ref()
            .and_then(|p| p.destination_folder())
            .map(std::path::Path::to_path_buf),
        Some(drives[2].clone()),
        "the drive that was pressed is the one chosen"
    );
}

#[test]
fn a_screen_reader_press_on_moved_backups_lands_when_their_count_arrives_under_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 14, 4);
    let first = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![first.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    common::to_review(&mut h);
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    click(&mut h, "Back to overview");
    click(&mut h, "Moved backups");
    // The backups not counted yet: the drive's line instead of its card.
    let selected = h.state().selected;
    let counted = h.state_mut().scan.reports[selected].facts.take();
    assert!(counted.is_some());
    h.run();
    // The press is read from the tree as it was; the count arrives (the
    // card takes the line's place above the buttons) before the window
    // handles it.
    h.get_by_label("Move to another drive…").click_accesskit();
    h.state_mut().scan.reports[selected].facts = counted;
    h.run();
    assert_eq!(
        h.state().operation(),
        Some(Operation::Retarget),
        "the button that was pressed is the one that acts"
    );
}
