//! Replays the hostile-input corpus on stable: every hand-written file of `tests/hostile/<kind>/`
//! and every file the fuzzers grew in `fuzz/corpus/<target>/` goes through its harness
//! function. One test per corpus folder; a failure lists every file that broke an invariant,
//! with the invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aimsgap_hostile::{TARGETS, Target};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target(name: &str) -> Target {
    *TARGETS
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no harness target `{name}`"))
}

/// Files that break an invariant on today's code for a reason another change of the same issue
/// fixes, with that issue item. They still run; a failure among them is printed, not counted.
/// Remove an entry once its fix is in: the replay must then hold for it.
const KNOWN_OPEN: &[(&str, &str)] = &[];

/// Every file of `folder` (sorted, so failures read the same on every run); a missing or empty
/// folder fails, since a replay of nothing proves nothing.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .filter(|path| path.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no input", folder.display());
    files
}

/// Runs every file of `folder` through `target`, and fails naming each file whose run
/// panicked. Returns how many files ran.
fn replay(folder: &Path, target: Target) -> usize {
    let files = files(folder);
    let mut broken = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let Err(payload) = catch_unwind(AssertUnwindSafe(|| (target.run)(&data))) else {
            continue;
        };
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let relative = file.strip_prefix(repository()).unwrap_or(file);
        match KNOWN_OPEN
            .iter()
            .find(|(path, _)| relative == Path::new(path))
        {
            Some((_, item)) => eprintln!("known open ({item}): {}: {message}", relative.display()),
            None => broken.push(format!("{}: {message}", relative.display())),
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {} inputs broke the `{}` harness:\n{}",
        broken.len(),
        files.len(),
        target.name,
        broken.join("\n")
    );
    files.len()
}

fn hand_written(kind: &str, name: &str) -> usize {
    replay(&repository().join("tests/hostile").join(kind), target(name))
}

fn grown(name: &str) -> usize {
    replay(&repository().join("fuzz/corpus").join(name), target(name))
}

#[test]
fn hand_written_assessments_hold() {
    hand_written("assessments", "assessment");
}

#[test]
fn hand_written_catalogs_hold() {
    hand_written("catalogs", "catalog_framework");
}

#[test]
fn hand_written_crosswalks_hold() {
    hand_written("crosswalks", "crosswalk");
}

#[test]
fn hand_written_oscal_holds() {
    hand_written("oscal", "oscal_import");
}

#[test]
fn hand_written_backups_hold() {
    hand_written("backups", "backup");
}

/// Every harness target has a grown corpus, and every corpus folder a target: a target added
/// without a corpus, or a corpus left behind by a renamed target, fails here.
#[test]
fn every_target_has_its_grown_corpus() {
    let corpus = repository().join("fuzz/corpus");
    let mut folders: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(folders, names);
}

#[test]
fn grown_corpus_assessment_holds() {
    grown("assessment");
}

#[test]
fn grown_corpus_catalog_framework_holds() {
    grown("catalog_framework");
}

#[test]
fn grown_corpus_crosswalk_holds() {
    grown("crosswalk");
}

#[test]
fn grown_corpus_oscal_import_holds() {
    grown("oscal_import");
}

#[test]
fn grown_corpus_backup_holds() {
    grown("backup");
}

/// The committed corpus stays small: no file over 64 KiB, under 2 MiB in all, so that every
/// run replays it in seconds.
#[test]
fn corpus_stays_small() {
    let mut total = 0u64;
    for root in ["tests/hostile", "fuzz/corpus"] {
        let root = repository().join(root);
        for folder in std::fs::read_dir(&root).unwrap() {
            let folder = folder.unwrap().path();
            if !folder.is_dir() {
                continue;
            }
            for file in files(&folder) {
                let size = std::fs::metadata(&file).unwrap().len();
                assert!(size <= 64 * 1024, "{}: {size} bytes", file.display());
                total += size;
            }
        }
    }
    assert!(total <= 2 * 1024 * 1024, "corpus holds {total} bytes");
}

/// The real files take the harness's success paths (round trips, coverage, OSCAL rendering):
/// every example assessment, built-in framework and crosswalk is read and holds.
#[test]
fn real_files_hold_on_the_success_paths() {
    let examples = files(&repository().join("examples"));
    let examples: Vec<&PathBuf> = examples
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    assert!(examples.len() >= 5, "{examples:?}");
    for example in examples {
        (target("assessment").run)(&std::fs::read(example).unwrap());
    }
    for (_, text) in aimsgap_catalog::FILES {
        (target("catalog_framework").run)(text.as_bytes());
    }
    for (_, text) in aimsgap_catalog::CROSSWALKS {
        (target("crosswalk").run)(text.as_bytes());
    }
}

/// The backups seeded as valid (`fuzz/corpus/backup/valid-*`) are accepted, so that the
/// harness's success path (write back, read again, compare) runs on every test run.
#[test]
fn seeded_valid_backups_are_accepted_and_round_trip() {
    let mut seen = 0;
    for file in files(&repository().join("fuzz/corpus/backup")) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("valid-") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let backup = aimsgap_store::backup::Backup::parse(&text)
            .unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        (target("backup").run)(text.as_bytes());
        seen += usize::from(backup.rows() > 0 || name.contains("empty"));
    }
    assert!(
        seen >= 3,
        "the three seeded valid backups are there ({seen})"
    );
}
