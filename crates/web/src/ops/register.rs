//! The gap register: every open requirement and work package of an assessment in one table,
//! with who owns it, where its work stands and when it is due, filtered and sorted, and
//! exported as exactly the rows shown (CSV, XLSX, and JSON from the API).
//!
//! [`rows`] and [`Filter::apply`] are pure: a result and the work items in, rows out. The page
//! (`pages/register.rs`), the exports and the API (`api/register.rs`) all go through
//! [`register_of`], so the rows cannot differ between them.

use crate::AppState;
use crate::cache::Computed;
use crate::error::ApiError;
use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::Date;
use aimsgap_wire::api::RegisterRow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The work states, as stored and as people read them.
pub(crate) const STATES: [(&str, &str); 4] = [
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("in_review", "In review"),
    ("done", "Done"),
];

/// Who owns one target (`requirement:<id>` or `package:<id>`) and where its work stands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Assignment {
    /// The owner's name: a member's, or a named outsider's.
    pub owner: Option<String>,
    /// One of [`STATES`]' values.
    pub state: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
}

/// The work items and comment counts of an assessment, by target.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Work {
    pub items: BTreeMap<String, Assignment>,
    pub comments: BTreeMap<String, u64>,
}

/// The work items and live comment counts of an assessment as the register and the dashboard
/// read them: two reads, whatever the number of comments.
pub(crate) async fn work_of(state: &AppState, assessment: &str) -> Result<Work, ApiError> {
    let items = state
        .store
        .work_items(assessment)
        .await?
        .into_iter()
        .map(|item| {
            (
                item.target,
                Assignment {
                    owner: item.owner_name,
                    state: item.state.as_str().to_string(),
                    due: item.due,
                },
            )
        })
        .collect();
    let comments = state.store.comment_counts(assessment).await?;
    Ok(Work { items, comments })
}

fn requirement_target(id: &str) -> String {
    format!("requirement:{id}")
}

fn package_target(id: &str) -> String {
    format!("package:{id}")
}

/// Every open requirement (a gap: not met, counted) and every work package, with the work
/// items' owner, state and due date: requirements in gap rank order, then packages in rank
/// order.
pub(crate) fn rows(result: &AssessmentResult, work: &Work) -> Vec<RegisterRow> {
    let group_of: BTreeMap<&str, &str> = result
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.group.as_str()))
        .collect();
    let assigned = |target: &str| -> (Option<String>, String, Option<String>, u64) {
        let comments = work.comments.get(target).copied().unwrap_or(0);
        match work.items.get(target) {
            Some(item) => (
                item.owner.clone(),
                item.state.clone(),
                item.due.clone(),
                comments,
            ),
            None => (None, "not_started".to_string(), None, comments),
        }
    };
    let laws_of = |obligations: &[String]| -> Vec<String> {
        obligations
            .iter()
            .filter_map(|o| o.split_once(':').map(|(law, _)| law.to_string()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let mut out = Vec::with_capacity(result.gaps.len() + result.work_packages.len());
    for gap in &result.gaps {
        let (owner, state, due, comments) = assigned(&requirement_target(&gap.id));
        out.push(RegisterRow {
            kind: "requirement".into(),
            id: gap.id.to_string(),
            title: gap.title.to_string(),
            group: group_of.get(gap.id.as_str()).copied().unwrap_or("").into(),
            status: gap.status.as_str().into(),
            priority: gap.priority,
            rank: gap.rank,
            blocker: gap.blocker,
            package: gap.package.clone(),
            owner,
            state,
            due,
            systems: gap
                .factors
                .systems
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            laws: laws_of(&gap.factors.obligations),
            comments,
            next_action: gap.next_action.clone(),
        });
    }
    for package in &result.work_packages {
        let gaps: Vec<_> = result
            .gaps
            .iter()
            .filter(|g| package.requirements.contains(&g.id))
            .collect();
        let (owner, state, due, comments) = assigned(&package_target(&package.id));
        let systems: BTreeSet<String> = gaps
            .iter()
            .flat_map(|g| g.factors.systems.iter().cloned())
            .collect();
        let obligations: Vec<String> = gaps
            .iter()
            .flat_map(|g| g.factors.obligations.iter().cloned())
            .collect();
        out.push(RegisterRow {
            kind: "package".into(),
            id: package.id.clone(),
            title: package.title.clone(),
            group: package
                .requirements
                .first()
                .and_then(|r| group_of.get(r.as_str()).copied())
                .unwrap_or("")
                .into(),
            status: package.status.as_str().into(),
            priority: package.priority,
            rank: package.rank,
            blocker: package.blocker,
            package: package.id.clone(),
            owner,
            state,
            due,
            systems: systems.into_iter().collect(),
            laws: laws_of(&obligations),
            comments,
            next_action: package.next_action.clone(),
        });
    }
    out
}

/// How the register is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Sort {
    /// Highest priority first.
    #[default]
    Priority,
    /// By id, numbers in ids compared as numbers (`A.2` before `A.10`).
    Id,
    /// Earliest due date first; rows without one last.
    Due,
    /// By owner's name; rows without an owner last.
    Owner,
}

pub(crate) const SORTS: [(Sort, &str, &str); 4] = [
    (Sort::Priority, "priority", "Priority"),
    (Sort::Id, "id", "Id"),
    (Sort::Due, "due", "Due date"),
    (Sort::Owner, "owner", "Owner"),
];

/// The owner filter's value for "nobody owns it".
pub(crate) const NOBODY: &str = "-";

/// The register's filters and sort order, from the query string. An empty value filters
/// nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Filter {
    /// `requirement` or `package`.
    pub kind: Option<String>,
    /// A clause or objective id.
    pub group: Option<String>,
    /// An owner's name, or [`NOBODY`].
    pub owner: Option<String>,
    pub state: Option<String>,
    pub blocker: Option<bool>,
    /// Due strictly before this day (rows without a due date are left out).
    pub due_before: Option<Date>,
    /// An AI system id.
    pub system: Option<String>,
    /// A law (framework id).
    pub law: Option<String>,
    pub sort: Sort,
}

/// A query value the register cannot read: the field and what it expects.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BadQuery {
    pub field: &'static str,
    pub expected: String,
}

impl BadQuery {
    pub fn error(&self) -> ApiError {
        ApiError::BadRequest(format!(
            "query `{}`: expected {}",
            self.field, self.expected
        ))
    }
}

impl Filter {
    /// Reads the filters from query pairs; unknown keys are ignored, a bad value is refused
    /// with its field.
    pub fn parse(query: &[(String, String)]) -> Result<Filter, BadQuery> {
        let mut filter = Filter::default();
        for (key, value) in query {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let text = Some(value.to_string());
            match key.as_str() {
                "kind" => {
                    if !matches!(value, "requirement" | "package") {
                        return Err(BadQuery {
                            field: "kind",
                            expected: "`requirement` or `package`".into(),
                        });
                    }
                    filter.kind = text;
                }
                "group" => filter.group = text,
                "owner" => filter.owner = text,
                "state" => {
                    if !STATES.iter().any(|(code, _)| *code == value) {
                        return Err(BadQuery {
                            field: "state",
                            expected: "one of not_started, in_progress, in_review, done".into(),
                        });
                    }
                    filter.state = text;
                }
                "blocker" => {
                    filter.blocker = Some(match value {
                        "yes" => true,
                        "no" => false,
                        _ => {
                            return Err(BadQuery {
                                field: "blocker",
                                expected: "`yes` or `no`".into(),
                            });
                        }
                    });
                }
                "due_before" => {
                    filter.due_before = Some(Date::parse(value).map_err(|_| BadQuery {
                        field: "due_before",
                        expected: "a date YYYY-MM-DD".into(),
                    })?);
                }
                "system" => filter.system = text,
                "law" => filter.law = text,
                "sort" => {
                    filter.sort = SORTS
                        .iter()
                        .find(|(_, code, _)| *code == value)
                        .map(|(sort, _, _)| *sort)
                        .ok_or_else(|| BadQuery {
                            field: "sort",
                            expected: "one of priority, id, due, owner".into(),
                        })?;
                }
                _ => {}
            }
        }
        Ok(filter)
    }

    /// The query string that asks for this filter (empty values left out).
    pub fn query(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut add = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push((key.to_string(), value));
            }
        };
        add("kind", self.kind.clone());
        add("group", self.group.clone());
        add("owner", self.owner.clone());
        add("state", self.state.clone());
        add(
            "blocker",
            self.blocker
                .map(|b| if b { "yes" } else { "no" }.to_string()),
        );
        add("due_before", self.due_before.map(|d| d.to_string()));
        add("system", self.system.clone());
        add("law", self.law.clone());
        if self.sort != Sort::Priority {
            add(
                "sort",
                SORTS
                    .iter()
                    .find(|(sort, _, _)| *sort == self.sort)
                    .map(|(_, code, _)| (*code).to_string()),
            );
        }
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish()
    }

    fn keeps(&self, row: &RegisterRow) -> bool {
        let same =
            |wanted: &Option<String>, value: &str| wanted.as_deref().is_none_or(|w| w == value);
        same(&self.kind, &row.kind)
            && same(&self.group, &row.group)
            && same(&self.state, &row.state)
            && self.blocker.is_none_or(|b| b == row.blocker)
            && self.owner.as_deref().is_none_or(|owner| {
                if owner == NOBODY {
                    row.owner.is_none()
                } else {
                    row.owner.as_deref() == Some(owner)
                }
            })
            && self.due_before.is_none_or(|before| {
                row.due
                    .as_deref()
                    .and_then(|d| Date::parse(d).ok())
                    .is_some_and(|due| due < before)
            })
            && self
                .system
                .as_deref()
                .is_none_or(|s| row.systems.iter().any(|x| x == s))
            && self
                .law
                .as_deref()
                .is_none_or(|l| row.laws.iter().any(|x| x == l))
    }

    /// The rows this filter keeps, in its order. The sort is stable: rows that compare equal
    /// keep the order of `rows`.
    pub fn apply(&self, rows: &[RegisterRow]) -> Vec<RegisterRow> {
        let mut kept: Vec<RegisterRow> = rows.iter().filter(|r| self.keeps(r)).cloned().collect();
        match self.sort {
            Sort::Priority => kept.sort_by(|a, b| b.priority.total_cmp(&a.priority)),
            Sort::Id => kept.sort_by(|a, b| natural(&a.id, &b.id)),
            Sort::Due => kept.sort_by(|a, b| last_if_none(a.due.as_deref(), b.due.as_deref())),
            Sort::Owner => kept.sort_by(|a, b| {
                last_if_none(
                    a.owner.as_deref().map(str::to_lowercase).as_deref(),
                    b.owner.as_deref().map(str::to_lowercase).as_deref(),
                )
            }),
        }
        kept
    }
}

/// Present values in order, absent ones after them.
fn last_if_none(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Compares ids with their runs of digits as numbers: `A.2` < `A.10`, `5.2-2` < `5.2-10`.
fn natural(a: &str, b: &str) -> Ordering {
    fn parts(text: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut digits = String::new();
        let mut other = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                if !other.is_empty() {
                    out.push((u64::MAX, std::mem::take(&mut other)));
                }
                digits.push(c);
            } else {
                if !digits.is_empty() {
                    out.push((
                        digits.parse().unwrap_or(u64::MAX),
                        std::mem::take(&mut digits),
                    ));
                }
                other.push(c);
            }
        }
        if !digits.is_empty() {
            out.push((digits.parse().unwrap_or(u64::MAX), digits));
        }
        if !other.is_empty() {
            out.push((u64::MAX, other));
        }
        out
    }
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

/// The register's columns, for the CSV and XLSX exports.
const COLUMNS: [&str; 16] = [
    "kind",
    "id",
    "title",
    "group",
    "status",
    "priority",
    "rank",
    "blocker",
    "package",
    "owner",
    "state",
    "due",
    "systems",
    "laws",
    "comments",
    "next_action",
];

/// One row as the exports' cells, in [`COLUMNS`] order.
fn cells(row: &RegisterRow) -> [String; 16] {
    [
        row.kind.clone(),
        row.id.clone(),
        row.title.clone(),
        row.group.clone(),
        row.status.clone(),
        format!("{:.3}", row.priority),
        row.rank.to_string(),
        if row.blocker { "yes" } else { "no" }.to_string(),
        row.package.clone(),
        row.owner.clone().unwrap_or_default(),
        row.state.clone(),
        row.due.clone().unwrap_or_default(),
        row.systems.join("; "),
        row.laws.join("; "),
        row.comments.to_string(),
        row.next_action.clone(),
    ]
}

/// The rows as CSV (RFC 4180, formulas in user text defused by the report crate's escaper).
pub(crate) fn csv(rows: &[RegisterRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for row in rows {
        let line: Vec<String> = cells(row)
            .iter()
            .map(|c| aimsgap_report::escape::csv(c))
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The rows as an XLSX workbook of one sheet, `Gap register`; numbers stay numbers.
pub(crate) fn xlsx(rows: &[RegisterRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Gap register")?;
    for (column, name) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, column, name, &bold)?;
    }
    for (line, row) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(cells(row)) {
            match column {
                5 => sheet.write_number(line, column, row.priority)?,
                6 => sheet.write_number(line, column, row.rank as f64)?,
                14 => sheet.write_number(line, column, row.comments as f64)?,
                _ => sheet.write_string(line, column, cell)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, u32::try_from(rows.len()).unwrap_or(u32::MAX), 15)?;
    workbook.save_to_buffer()
}

/// The register of an assessment for a query: all rows, and those the filter keeps.
/// The result comes from the cache the API and the pages share, at the revision of the caller's
/// authorisation.
pub(crate) async fn register_of(
    state: &AppState,
    id: &str,
    revision: i64,
    query: &[(String, String)],
) -> Result<(Arc<Computed>, Filter, Vec<RegisterRow>, Vec<RegisterRow>), ApiError> {
    let filter = Filter::parse(query).map_err(|bad| bad.error())?;
    let computed = crate::ops::assessments::current_values(state, id, revision).await?;
    let work = work_of(state, id).await?;
    let all = rows(&computed.result, &work);
    let kept = filter.apply(&all);
    Ok((computed, filter, all, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows that vary every filtered field, deterministically: 48 of them.
    fn sample() -> Vec<RegisterRow> {
        let owners = [
            None,
            Some("Ada"),
            Some("bob"),
            Some("Jane Doe (consultant)"),
        ];
        let dues = [None, Some("2026-12-01"), Some("2027-01-15")];
        let mut rows = Vec::new();
        for i in 0..48usize {
            let state = STATES[i % 4].0;
            rows.push(RegisterRow {
                kind: if i % 3 == 0 { "package" } else { "requirement" }.into(),
                id: format!("A.{}.{}", 2 + i % 9, i),
                title: format!("Row {i}"),
                group: format!("A.{}", 2 + i % 9),
                status: ["gap", "partial", "unknown"][i % 3].into(),
                priority: f64::from(u32::try_from(i % 5).unwrap()) / 5.0,
                rank: i + 1,
                blocker: i % 2 == 0,
                package: format!("A.{}", 2 + i % 9),
                owner: owners[i % 4].map(str::to_string),
                state: state.into(),
                due: dues[i % 3].map(str::to_string),
                systems: if i % 4 == 1 {
                    vec!["bot".into()]
                } else {
                    Vec::new()
                },
                laws: if i % 5 == 2 {
                    vec!["eu-ai-act".into()]
                } else {
                    Vec::new()
                },
                comments: u64::try_from(i % 7).unwrap(),
                next_action: String::new(),
            });
        }
        rows
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<Filter, BadQuery> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        Filter::parse(&owned)
    }

    #[test]
    fn each_filter_keeps_exactly_the_rows_that_match_it() {
        let rows = sample();
        type Check = fn(&RegisterRow) -> bool;
        let cases: [(&str, &str, Check); 10] = [
            ("kind", "package", |r| r.kind == "package"),
            ("group", "A.4", |r| r.group == "A.4"),
            ("owner", "Ada", |r| r.owner.as_deref() == Some("Ada")),
            ("owner", "-", |r| r.owner.is_none()),
            ("state", "in_review", |r| r.state == "in_review"),
            ("blocker", "yes", |r| r.blocker),
            ("blocker", "no", |r| !r.blocker),
            ("due_before", "2027-01-01", |r| {
                r.due.as_deref() == Some("2026-12-01")
            }),
            ("system", "bot", |r| r.systems.iter().any(|s| s == "bot")),
            ("law", "eu-ai-act", |r| {
                r.laws.iter().any(|l| l == "eu-ai-act")
            }),
        ];
        for (key, value, check) in cases {
            let kept = parse(&[(key, value)]).unwrap().apply(&rows);
            let expected = rows.iter().filter(|r| check(r)).count();
            assert!(
                expected > 0 && expected < rows.len(),
                "{key}={value} narrows"
            );
            assert_eq!(kept.len(), expected, "{key}={value}");
            assert!(kept.iter().all(check), "{key}={value}");
        }
        // Filters combine: every one narrows what the others kept.
        let both = parse(&[("blocker", "yes"), ("owner", "-")])
            .unwrap()
            .apply(&rows);
        assert!(!both.is_empty());
        assert!(both.iter().all(|r| r.blocker && r.owner.is_none()));
        assert_eq!(
            both.len(),
            rows.iter()
                .filter(|r| r.blocker && r.owner.is_none())
                .count()
        );
        // An empty value filters nothing.
        assert_eq!(
            parse(&[("owner", ""), ("state", " ")])
                .unwrap()
                .apply(&rows),
            parse(&[]).unwrap().apply(&rows)
        );
        assert_eq!(parse(&[]).unwrap().apply(&rows).len(), rows.len());
    }

    #[test]
    fn the_register_knows_every_work_state_of_the_store() {
        for (code, _) in STATES {
            let parsed = aimsgap_store::WorkState::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn sorting_is_stable_and_puts_missing_values_last() {
        let rows = sample();
        let by_priority = parse(&[]).unwrap().apply(&rows);
        for pair in by_priority.windows(2) {
            assert!(pair[0].priority >= pair[1].priority);
            if pair[0].priority == pair[1].priority {
                assert!(pair[0].rank < pair[1].rank, "ties keep their order");
            }
        }
        let by_due = parse(&[("sort", "due")]).unwrap().apply(&rows);
        let first_none = by_due.iter().position(|r| r.due.is_none()).unwrap();
        assert!(by_due[first_none..].iter().all(|r| r.due.is_none()));
        for pair in by_due.windows(2) {
            if pair[0].due == pair[1].due {
                assert!(pair[0].rank < pair[1].rank, "ties keep their order");
            }
        }
        let by_owner = parse(&[("sort", "owner")]).unwrap().apply(&rows);
        let owners: Vec<Option<&str>> = by_owner.iter().map(|r| r.owner.as_deref()).collect();
        let first = owners.iter().position(Option::is_none).unwrap();
        assert!(owners[first..].iter().all(Option::is_none));
        // Case does not decide: "bob" sorts between "Ada" and "Jane".
        let named: Vec<&str> = owners.iter().flatten().copied().collect();
        let bob = named.iter().position(|o| *o == "bob").unwrap();
        assert!(named[..bob].iter().all(|o| *o == "Ada"));
        let by_id = parse(&[("sort", "id")]).unwrap().apply(&rows);
        let a2 = by_id.iter().position(|r| r.id.starts_with("A.2.")).unwrap();
        let a10 = by_id
            .iter()
            .position(|r| r.id.starts_with("A.10."))
            .unwrap();
        assert!(a2 < a10, "numbers in ids compare as numbers");
    }

    #[test]
    fn a_bad_value_is_refused_naming_its_field_and_a_filter_reads_back_from_its_query() {
        for (key, value) in [
            ("state", "finished"),
            ("blocker", "maybe"),
            ("due_before", "31/12/2026"),
            ("sort", "random"),
            ("kind", "control"),
        ] {
            let error = parse(&[(key, value)]).unwrap_err();
            assert_eq!(error.field, key);
            assert!(error.error().to_string().contains(key));
        }
        let filter = parse(&[
            ("kind", "requirement"),
            ("group", "A.6"),
            ("owner", "Jane Doe (consultant)"),
            ("state", "done"),
            ("blocker", "no"),
            ("due_before", "2027-02-01"),
            ("system", "bot"),
            ("law", "eu-ai-act"),
            ("sort", "owner"),
        ])
        .unwrap();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(filter.query().as_bytes())
            .into_owned()
            .collect();
        assert_eq!(Filter::parse(&pairs).unwrap(), filter);
    }

    #[test]
    fn the_exports_hold_exactly_the_filtered_rows() {
        let rows = sample();
        let kept = parse(&[("blocker", "yes")]).unwrap().apply(&rows);
        let text = csv(&kept);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), kept.len() + 1);
        assert_eq!(lines[0], COLUMNS.join(","));
        for (line, row) in lines[1..].iter().zip(&kept) {
            assert!(
                line.starts_with(&format!("{},{},", row.kind, row.id)),
                "{line}"
            );
        }
        let bytes = xlsx(&kept).unwrap();
        assert!(bytes.starts_with(b"PK"), "an XLSX is a zip file");
    }
}
