//! One test per finding of the review of the wizard as a consumer product
//! (issue "The wizard as a consumer product"), each failing on the window
//! as it was: a dialog that could not open did nothing; Cancel moved under
//! the mouse; a cancel question outlived its job; words that were not true;
//! any folder accepted as the backup folder; buttons without a result; a
//! long silent phase; a layout cut off or stuck in a corner.

#![cfg(unix)]

mod common;

use std::fs;
use std::time::Duration;

use common::{Fakes, click, harness, harness_for, is_enabled, settle, shows, to_review};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use relocator::Operation;
use relocator::Phase;
use relocator_app::{
    Action, JobFailure, JobResult, MIN_WINDOW, Page, PickOutcome, Plan, Settings, Wizard as _,
};
use relocator_tests::{Drive, digest, scratch, small_backup};

/// Finding 1: "Choose destination…" did nothing when no dialog could open.
#[test]
fn finding_1_a_dialog_that_cannot_open_offers_a_typed_path_and_says_why() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 71, 5);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        picks: vec![PickOutcome::Unavailable(
            "No folder window on this test system.".to_owned(),
        )],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    click(&mut h, "Other folder…");
    assert!(
        shows(&h, "No folder window on this test system."),
        "the reason is shown"
    );
    let field = h.get_by_label("Folder path (type or paste it):");
    field.focus();
    field.type_text("/no/such/folder");
    h.run();
    click(&mut h, "Use this folder");
    assert!(shows(&h, "There is no folder at /no/such/folder."));
    let field = h.get_by_label("Folder path (type or paste it):");
    field.focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    field.type_text(&drive.path().display().to_string());
    h.run();
    click(&mut h, "Use this folder");
    common::accept_removable(&mut h);
    assert!(common::drive_is_fine(&h));
    assert!(is_enabled(&h, "Next"));
    assert!(
        h.query_by_label("Use this folder").is_none(),
        "the field goes once used"
    );
}

/// Finding 2: Cancel jumped as the lines above it changed; Esc did nothing.
#[test]
fn finding_2_cancel_stays_where_it_is_and_the_keyboard_reaches_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    relocator_tests::sized_backup(&source, 72, 20_000, 600_000_000);
    let drive = Drive::mount("1g", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    h.get_by_label("Move").click();
    h.run();
    let first = h.get_by_label("Cancel").rect();
    let mut phases = Vec::new();
    let mut items = std::collections::HashSet::new();
    for _ in 0..3000 {
        h.step();
        if h.state().page != Page::Working {
            break;
        }
        let p = &h.state().progress;
        if !phases.contains(&p.phase()) {
            phases.push(p.phase());
        }
        if let Some(c) = p.current() {
            items.insert(c.to_owned());
        }
        assert_eq!(h.get_by_label("Cancel").rect(), first, "in {:?}", p.phase());
        if p.phase() == Phase::Copying && items.len() > 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(3));
    }
    assert!(
        items.len() > 10,
        "the current item changed {} times",
        items.len()
    );
    // The keyboard: Cancel takes focus, Enter on it asks; the question's
    // buttons stay put too; Esc closes it.
    h.get_by_label("Cancel").focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.state().asking_cancel, "Enter on the focused Cancel asks");
    let keep = h.get_by_label("Keep going").rect();
    let stop = h.get_by_label("Stop and undo").rect();
    for _ in 0..30 {
        h.step();
        if !h.state().asking_cancel {
            break;
        }
        assert_eq!(h.get_by_label("Stop and undo").rect(), stop);
        assert_eq!(h.get_by_label("Keep going").rect(), keep);
        std::thread::sleep(Duration::from_millis(2));
    }
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().asking_cancel, "Esc keeps going");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
}

/// Finding 3: the question "put everything back?" stayed after the job ended.
#[test]
fn finding_3_an_unanswered_cancel_question_closes_itself_when_the_job_ends() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 73, 20);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    h.get_by_label("Move").click();
    h.run();
    h.state_mut().apply(Action::AskCancel);
    assert!(h.state().asking_cancel, "asked while the job runs");
    h.run();
    assert!(shows(&h, "Stop and put everything back?"));
    // Nobody answers; the move finishes.
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(!h.state().asking_cancel);
    assert!(!shows(&h, "Stop and put everything back?"));
    assert!(shows(&h, "It finished before it could be stopped."));
}

/// Finding 4a/4b: the same drive was accepted with a box about keeping a
/// drive connected, and Done then said space was freed.
#[test]
fn finding_3_past_the_switch_a_late_yes_does_not_undo_and_the_question_closes() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 74, 20);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    h.get_by_label("Move").click();
    h.run();
    // The question was asked; then the work reached the switch.
    h.state_mut().asking_cancel = true;
    h.state_mut().progress.apply(
        &relocator::Progress::Phase {
            phase: Phase::Switching,
        },
        std::time::Instant::now(),
    );
    h.state_mut().apply(Action::ConfirmCancel);
    assert!(
        h.state()
            .worker
            .as_ref()
            .is_none_or(|w| !w.task.is_cancelling()),
        "a yes past the switch starts no undo"
    );
    assert!(!h.state().asking_cancel);
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(!shows(&h, "Stop and put everything back?"));
    assert_eq!(digest(&drive.path().join("Backup")), before);
}

#[test]
fn finding_4_the_same_drive_has_its_own_acceptance_and_done_says_nothing_was_freed() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 74, 5);
    let before = digest(&source);
    let elsewhere = root.path().join("Elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let fakes = Fakes {
        picks: vec![PickOutcome::Chosen(elsewhere.clone())],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    click(&mut h, "Other folder…");
    assert!(shows(&h, "frees no space"));
    let acceptance = &format!(
        "I understand this frees no space on {}",
        relocator_app::words::COMPUTER
    );
    h.get_by_label(acceptance);
    let boxes: Vec<String> = h
        .query_all_by_role(egui::Role::CheckBox)
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(
        boxes,
        std::slice::from_ref(acceptance),
        "one box, about the space; none about keeping a drive connected"
    );
    assert!(!is_enabled(&h, "Next"));
    click(&mut h, acceptance);
    assert!(is_enabled(&h, "Next"));
    click(&mut h, "Next");
    assert!(shows(
        &h,
        &format!("This frees no space on {}.", relocator_app::words::COMPUTER)
    ));
    assert!(
        shows(&h, "renamed"),
        "nothing is copied, so nothing is read back"
    );
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(
        &h,
        &format!("no space was freed on {}", relocator_app::words::COMPUTER)
    ));
    assert!(!shows(&h, "free again"));
    assert_eq!(digest(&source), before);
}

/// Finding 4c/4e: Review promised a check with "check every file" unticked;
/// the space needed hid its headroom.
#[test]
fn finding_4_review_promises_only_the_check_chosen_and_the_space_shows_its_parts() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 75, 5);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    assert!(
        shows(&h, "and 100 MB kept free beside them"),
        "the parts of the space needed"
    );
    common::choose_drive(&mut h, "Test Drive 1");
    click(&mut h, "Next");
    assert!(shows(&h, "read back from the drive and compared"));
    click(
        &mut h,
        "Read every copied file back and compare it (recommended)",
    );
    assert!(!h.state().plan.as_ref().unwrap().verify_full);
    assert!(!shows(&h, "read back from the drive and compared"));
    assert!(shows(&h, "the content is not read back"));
    assert!(!h.state().settings.verify_full, "remembered for next time");
}

/// Finding 4f: the error page led with an internal path, its details were a
/// debug dump in tiny type, and its only way on was "Back to start".
#[test]
fn finding_4_a_failure_leads_with_a_plain_sentence_hides_the_detail_and_offers_the_next_step() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 76, 5);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    // What a drive filling up mid-copy ends with.
    let staging_file = drive
        .path()
        .join("Backup.partial-0123456789ab/00008110-001A2B3C4D5E6F70/2b/2b3f");
    let error = relocator::Error::Interrupted {
        cause: Box::new(relocator::Error::io(
            &staging_file,
            std::io::ErrorKind::StorageFull.into(),
        )),
        safe_at: source.clone(),
    };
    let s = h.state_mut();
    s.result = Some(JobResult::Failed(JobFailure::from_error(&error)));
    s.page = Page::Failed;
    h.run();
    h.get_by_label("The move did not finish");
    assert!(shows(
        &h,
        "The drive became full before the copy was finished."
    ));
    assert!(shows(&h, "Your backups are safe on"));
    assert!(
        !shows(&h, "Backup.partial-"),
        "the internal path stays behind Details"
    );
    click(&mut h, "Details");
    assert!(shows(&h, "Backup.partial-0123456789ab"));
    h.get_by_label("Copy details").click();
    h.step();
    h.step();
    assert!(h.state().notice.is_some());
    assert!(
        h.output().platform_output.commands.iter().any(
            |c| matches!(c, egui::OutputCommand::CopyText(t) if t.contains("the drive is full"))
        ),
        "the details are on the clipboard"
    );
    click(&mut h, "Choose another drive");
    assert_eq!(h.state().page, Page::Destination);
    assert_eq!(
        h.state().operation(),
        Some(Operation::Move),
        "the same move"
    );
}

/// Finding 4f, for real: a drive that fills after it was checked refuses
/// the move, in words, with "Choose another drive".
#[test]
fn finding_4_a_drive_that_filled_since_it_was_checked_refuses_and_offers_another() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 77, 5);
    let before = digest(&source);
    let drive = Drive::mount("160m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    fs::write(drive.path().join("filler"), vec![0u8; 120_000_000]).unwrap();
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Failed);
    h.get_by_label("It cannot start yet");
    assert!(shows(&h, "does not have enough free space"));
    assert!(shows(&h, "must stay free beside them"));
    click(&mut h, "Choose another drive");
    assert_eq!(h.state().page, Page::Destination);
    assert_eq!(digest(&source), before, "nothing changed");
}

/// Finding 5: an empty or unrelated folder passed as the backup folder.
#[test]
fn finding_5_only_a_folder_of_device_backups_is_accepted_and_the_choice_is_remembered() {
    let root = scratch();
    let papers = root.path().join("Papers");
    fs::create_dir_all(papers.join("Taxes")).unwrap();
    fs::write(papers.join("letter.txt"), b"x").unwrap();
    let real = root.path().join("MobileSync/Backup");
    small_backup(&real, 78, 3);
    let fakes = Fakes {
        picks: vec![PickOutcome::Chosen(real.clone())],
        ..Fakes::default()
    };
    let mut h = harness(&papers, &fakes);
    assert!(shows(
        &h,
        "does not hold iPhone or iPad backups (it holds Taxes, letter.txt)"
    ));
    assert!(!is_enabled(&h, "Move backups…"));
    assert!(
        shows(&h, "choose another folder."),
        "the disabled button says why"
    );
    let buttons = relocator_app::buttons(h.state());
    assert!(buttons.primary.unwrap().why_not.is_some());
    click(&mut h, "Choose another folder…");
    assert!(shows(
        &h,
        &format!("Backups are on {}.", relocator_app::words::COMPUTER)
    ));
    assert!(is_enabled(&h, "Move backups…"));
    assert_eq!(
        h.state().settings.source_folder.as_deref(),
        Some(real.as_path())
    );

    // An empty folder: only Apple's own Backup folder counts.
    let empty = root.path().join("Empty");
    fs::create_dir(&empty).unwrap();
    let h = harness(&empty, &Fakes::default());
    assert!(shows(&h, "is empty and is not Apple's backup folder"));
    assert!(!is_enabled(&h, "Move backups…"));
    let usual = root.path().join("Fresh/Backup");
    fs::create_dir_all(&usual).unwrap();
    let h = harness(&usual, &Fakes::default());
    assert!(shows(&h, "No backups here yet."));
    assert!(is_enabled(&h, "Move backups…"));
}

/// Finding 6: buttons without a result — opening a folder failed silently,
/// "Check again" showed nothing, a disabled button did not say why.
#[test]
fn finding_6_every_button_has_a_visible_result() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 79, 5);
    let drive = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, drive.path());
    let fakes = Fakes::default();
    *fakes.opened.fail_with.lock().unwrap() =
        Some("This system has no file manager to show it (xdg-open is not installed).".to_owned());
    let mut h = harness(&source, &fakes);
    click(&mut h, "Manage moved backups");
    click(&mut h, relocator_label_open());
    assert!(shows(&h, "xdg-open is not installed"));
    assert!(shows(
        &h,
        &format!("The folder is {}", drive.path().join("Backup").display())
    ));
    assert_eq!(fakes.opened.folders.lock().unwrap().len(), 1);
    click(&mut h, "Close");
    assert!(h.state().notice.is_none());
    // Check again: the time and count of checks change.
    click(
        &mut h,
        &format!("Move back to {}…", relocator_app::words::COMPUTER),
    );
    assert!(shows(&h, "(1 time)"));
    click(&mut h, "Check again");
    assert!(shows(&h, "(2 times)"));
    // "Check the backups" is a real check (see the wizard tests for damage).
    click(&mut h, "Back");
    click(&mut h, "Check the backups");
    assert!(
        h.state()
            .health
            .as_ref()
            .is_some_and(|c| c.result.is_some())
    );
}

fn relocator_label_open() -> &'static str {
    if cfg!(target_os = "macos") {
        "Show in Finder"
    } else if cfg!(windows) {
        "Show in Explorer"
    } else {
        "Open folder"
    }
}

/// Finding 7: freeing space was a silent phase; verifying never showed.
#[test]
fn finding_7_verifying_and_freeing_space_are_phases_with_a_bar() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 80, 200);
    let drive = Drive::mount("256m", "");
    let events = std::sync::Mutex::new(Vec::new());
    let sink = |p: relocator::Progress| events.lock().unwrap().push(p);
    let links = relocator_tests::links();
    let ctx = relocator::Context {
        links: links.as_ref(),
        progress: &sink,
        cancel: &relocator::Cancel::new(),
        sync_apps: Vec::new(),
        policy: relocator::freshness::Policy::default(),
    };
    relocator::relocate::move_backups(
        &ctx,
        &source,
        drive.path(),
        relocator::relocate::Options::default(),
    )
    .unwrap();
    let events = events.into_inner().unwrap();
    let mut view = relocator::tracker::Tracker::new(
        relocator::tracker::Outline::default(),
        std::time::Instant::now(),
    );
    let mut freeing_bar = false;
    for e in events {
        view.apply(&e, std::time::Instant::now());
        if view.phase() == Phase::CleaningUp && view.phase_fraction().is_some_and(|f| f > 0.0) {
            freeing_bar = true;
        }
    }
    // (Nothing planned: the phases listed are those met.)
    let seen: Vec<Phase> = view.phases().into_iter().map(|(p, _)| p).collect();
    assert!(seen.contains(&Phase::Verifying));
    assert!(freeing_bar, "freeing space has a bar that moves: {seen:?}");

    // The phase list names both, from the start of the work.
    let source2 = root.path().join("Backup2");
    small_backup(&source2, 81, 5);
    let drive2 = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive2.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source2, &fakes);
    to_review(&mut h);
    h.get_by_label("Move").click();
    h.run();
    if h.state().page == Page::Working {
        assert!(shows(&h, "Verifying") && shows(&h, "Freeing space"));
        h.get_by_role(egui::Role::ProgressIndicator);
    }
    settle(&mut h);
}

/// Finding 8: columns cut off at a small width, no minimum size, and
/// everything in the top-left corner of a big window.
#[test]
fn finding_8_the_layout_reaches_everything_at_the_minimum_size_and_centres_on_a_big_window() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 82, 5);
    let drive = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let small = egui::vec2(MIN_WINDOW[0], MIN_WINDOW[1]);
    let mut h = harness_for(common::config(&source), Settings::default(), &fakes, small);
    let inside = |r: egui::Rect| r.min.x >= 0.0 && r.max.x <= small.x && r.max.y <= small.y;
    // Issue 20: the table was cut at 560 (its last column, the status,
    // gone): each device is a block of two lines instead, fully inside.
    assert!(h.query_by_label("Status").is_none(), "no table at 560");
    let device = &h.state().scan.reports[0].devices[0];
    let name = relocator_app::words::device_name(device);
    let line = h.query_all_by_label_contains(&name).next().unwrap().rect();
    assert!(line.min.x >= 0.0 && line.max.x <= small.x, "{line:?}");
    // Every page of a move keeps its buttons on screen.
    for (page, primary) in [
        (Page::Overview, "Move backups…"),
        (Page::Checks, "Next"),
        (Page::Destination, "Next"),
    ] {
        assert_eq!(h.state().page, page);
        assert!(inside(h.get_by_label(primary).rect()), "{page:?}");
        if page != Page::Overview {
            assert!(inside(h.get_by_label("Back").rect()), "{page:?}");
        }
        if page == Page::Destination {
            common::choose_drive(&mut h, "Test Drive 1");
        }
        click(&mut h, primary);
    }
    assert_eq!(h.state().page, Page::Review);
    assert!(inside(h.get_by_label("Move").rect()));

    // A big window: the column is centred, not stuck in a corner.
    let big = egui::vec2(1280.0, 900.0);
    let h = harness_for(common::config(&source), Settings::default(), &fakes, big);
    let title = h.get_by_label("Your backups").rect();
    assert!(title.min.x > 200.0, "{title:?}");
    let button = h.get_by_label("Move backups…").rect();
    assert!(
        button.max.x < big.x - 200.0,
        "the primary button ends the column: {button:?}"
    );
}

/// The screen reader's view: the window is named after its page.
#[test]
fn the_window_is_named_for_screen_readers() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 83, 3);
    let h = harness(&source, &Fakes::default());
    let name = h.root().accesskit_node().label();
    assert_eq!(name.as_deref(), Some("Backup Relocator — Your backups"));
    // Moving on from a plan keeps its operation in one value.
    let plan = Plan::new(Operation::Retarget, true);
    assert_eq!(plan.operation.home(), Page::Manage);
}

/// Issue 20: at the smallest window the progress hid under the footer,
/// its time left was the phase's, and a screen reader heard 47 out of
/// `f64::MAX`. The whole operation's bar and time left come first, fully
/// inside the window, and the bar reads from 0 to 100 as drawn.
#[test]
fn issue_20_the_whole_progress_is_on_top_at_the_smallest_window_and_reads_0_to_100() {
    use relocator::tracker::{Outline, Tracker};
    use relocator::{Phase, Progress};
    use std::time::{Duration, Instant};
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 84, 5);
    let small = egui::vec2(MIN_WINDOW[0], MIN_WINDOW[1]);
    let mut h = harness_for(
        common::config(&source),
        Settings::default(),
        &Fakes::default(),
        small,
    );
    // A copy a third of the way, at a steady speed, as a move shows it.
    let t0 = Instant::now().checked_sub(Duration::from_secs(30)).unwrap();
    let mut progress = Tracker::new(
        Outline {
            bytes: 3_000_000_000,
            files: 30_000,
            copies: true,
            verify_full: true,
            frees: true,
        },
        t0,
    );
    progress.apply(
        &Progress::Phase {
            phase: Phase::Copying,
        },
        t0,
    );
    progress.apply(
        &Progress::Planned {
            bytes: 3_000_000_000,
            files: 30_000,
        },
        t0,
    );
    for s in 1..=30u64 {
        progress.apply(
            &Progress::Copied {
                bytes: s * 33_000_000,
                files: s * 330,
                current: source.join("x"),
            },
            t0 + Duration::from_secs(s),
        );
    }
    h.state_mut().progress = progress;
    h.state_mut().page = Page::Working;
    h.run();
    let inside = |r: egui::Rect| r.min.y >= 0.0 && r.max.x <= small.x && r.max.y <= small.y;
    let bar = h.get_by_label("Whole move");
    let node = bar.accesskit_node();
    assert_eq!(node.min_numeric_value(), Some(0.0));
    assert_eq!(node.max_numeric_value(), Some(100.0));
    let value = node.numeric_value().unwrap();
    assert!((1.0..100.0).contains(&value), "{value}");
    assert!(inside(bar.rect()), "the bar at {:?}", bar.rect());
    let left = h
        .query_all_by_label_contains("left · ")
        .next()
        .expect("the time left");
    assert!(inside(left.rect()), "the time left at {:?}", left.rect());
    // The words and the bar agree.
    let agreed = format!("{value} % done");
    assert!(shows(&h, &agreed), "no {agreed:?} beside the bar");
}
