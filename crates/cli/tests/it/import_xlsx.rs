//! `aimsgap import-xlsx`: the workbook exported by `assess --format xlsx`, edited by openpyxl
//! (a spreadsheet library that is not ours), read back into the assessment file. Skips with a
//! notice when Python or openpyxl is missing, and fails instead under AIMSGAP_REQUIRE_ALL=1.

use super::{aimsgap, root, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

const BANK: &str = "examples/bank-credit-scoring.yaml";

fn dir(name: &str) -> crate::Scratch {
    crate::fresh_dir(&format!("xlsx-{name}"))
}

/// Runs a Python script with openpyxl; `None` when either is missing (and skipping is allowed).
fn openpyxl(script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !super::browser::require_all(),
            "python3 with openpyxl is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping: python3 with openpyxl not found");
        return None;
    }
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    Some(stdout(&output))
}

/// Sets cells of the Answers sheet: `ID=COLUMN=VALUE` arguments; a value `date:YYYY-MM-DD` is
/// written as a date, `int:N` as a number.
const EDIT: &str = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Answers"]
header = [c.value for c in ws[1]]
rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
for edit in sys.argv[3:]:
    id, column, value = edit.split("=", 2)
    cell = rows[id][header.index(column)]
    if value.startswith("date:"):
        value = datetime.datetime.strptime(value[5:], "%Y-%m-%d")
    elif value.startswith("int:"):
        value = int(value[4:])
    cell.value = value
    print(cell.coordinate)
wb.save(sys.argv[2])
"#;

fn export(dir: &Path, file: &str) -> PathBuf {
    let xlsx = dir.join("exported.xlsx");
    let output = aimsgap(&[
        "assess",
        file,
        "--format",
        "xlsx",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    xlsx
}

fn answers_of(path: &Path) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let document = aimsgap_assess::read_document("t", &text).unwrap();
    let value = serde_json::to_value(&document).unwrap();
    value["answers"].as_object().unwrap().clone()
}

#[test]
fn five_cells_edited_in_openpyxl_are_the_answers_after_import() {
    let dir = dir("edit");
    let exported = export(&dir, BANK);
    let edited = dir.join("edited.xlsx");
    let Some(cells) = openpyxl(
        EDIT,
        &[
            exported.to_str().unwrap(),
            edited.to_str().unwrap(),
            "6.1.4=Status=partial",
            "6.1.4=Maturity=int:2",
            "6.1.4=Owner=Head of Model Risk",
            "6.1.4=Due date=date:2027-03-31",
            "A.6.2.6=Notes=Monitoring dashboard reviewed weekly",
        ],
    ) else {
        return;
    };
    assert_eq!(cells.lines().count(), 5, "{cells}");
    // Excel and LibreOffice offer the allowed words; the fingerprint column says not to edit it.
    let lists = openpyxl(
        r#"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Answers"]
for v in ws.data_validations.dataValidation:
    print(v.type, v.formula1, str(v.sqref))
print(ws["K1"].value)
"#,
        &[exported.to_str().unwrap()],
    )
    .unwrap();
    assert!(
        lists.contains("list \"implemented,partial,planned,not_implemented,not_applicable\" C2:C"),
        "{lists}"
    );
    assert!(lists.contains("list \"0,1,2,3,4,5\" D2:D"), "{lists}");
    assert!(lists.contains("Fingerprint (do not edit)"), "{lists}");

    // The dry run says what would change and writes nothing.
    let out = dir.join("updated.json");
    let output = aimsgap(&[
        "import-xlsx",
        edited.to_str().unwrap(),
        "--into",
        BANK,
        "--dry-run",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("6.1.4\n  status: "), "{text}");
    assert!(text.contains(" -> partial\n"), "{text}");
    assert!(text.contains("  owner: "), "{text}");
    assert!(text.contains("  due: (none) -> 2027-03-31\n"), "{text}");
    assert!(
        text.contains("A.6.2.6\n  notes: ")
            && text.contains("-> Monitoring dashboard reviewed weekly"),
        "{text}"
    );
    assert!(!out.exists());

    let output = aimsgap(&[
        "import-xlsx",
        edited.to_str().unwrap(),
        "--into",
        BANK,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = answers_of(&root().join(BANK));
    let after = answers_of(&out);
    let answer = &after["6.1.4"];
    assert_eq!(answer["status"], "partial");
    assert_eq!(answer["maturity"], 2);
    assert_eq!(answer["owner"], "Head of Model Risk");
    assert_eq!(answer["due"], "2027-03-31");
    assert_eq!(
        after["A.6.2.6"]["notes"],
        "Monitoring dashboard reviewed weekly"
    );
    // Nothing else moved.
    for (id, answer) in &before {
        if id != "6.1.4" && id != "A.6.2.6" {
            assert_eq!(Some(answer), after.get(id), "{id}");
        }
    }
    assert_eq!(
        before.len() + usize::from(!before.contains_key("A.6.2.6")),
        after.len()
    );
    // The written file is a valid assessment that assesses.
    let output = aimsgap(&["assess", out.to_str().unwrap(), "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn one_bad_cell_exits_2_names_the_cell_and_writes_nothing() {
    let dir = dir("bad");
    let exported = export(&dir, BANK);
    let edited = dir.join("edited.xlsx");
    let Some(cells) = openpyxl(
        EDIT,
        &[
            exported.to_str().unwrap(),
            edited.to_str().unwrap(),
            "5.3=Owner=Someone new",
            "5.2=Status=implementd",
        ],
    ) else {
        return;
    };
    let bad = cells.lines().nth(1).unwrap().to_string();
    let out = dir.join("updated.json");
    let output = aimsgap(&[
        "import-xlsx",
        edited.to_str().unwrap(),
        "--into",
        BANK,
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "Answers!{bad}: status `implementd`: expected one of implemented, partial"
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[test]
fn a_requirement_changed_since_the_export_is_a_version_conflict() {
    let dir = dir("conflict");
    let exported = export(&dir, BANK);
    // A colleague changes 5.2 in the file after the export.
    let text = std::fs::read_to_string(root().join(BANK)).unwrap();
    let mut document = aimsgap_assess::read_document("bank", &text).unwrap();
    let answer = document.answers.get_mut("5.2").unwrap();
    answer.value.notes = Some("changed after the export".into());
    let changed = dir.join("changed.json");
    std::fs::write(&changed, document.to_json()).unwrap();

    let output = aimsgap(&[
        "import-xlsx",
        exported.to_str().unwrap(),
        "--into",
        changed.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("`5.2` changed since the workbook was exported (version conflict)"),
        "{text}"
    );
    assert_eq!(text.matches("version conflict").count(), 1, "{text}");

    // Against the file it came from, the same workbook changes nothing.
    let output = aimsgap(&[
        "import-xlsx",
        exported.to_str().unwrap(),
        "--into",
        BANK,
        "--dry-run",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("no changes ("),
        "{}",
        stdout(&output)
    );
}
