//! Views of the plan shared by the renderers: the next best actions gathered under their work
//! package, so a deliverable that closes several requirements is one line with its
//! requirements beneath, and each roadmap phase's span.

use aimsgap_assess::*;
use aimsgap_catalog::Date;

/// Next best actions of one work package, in the order the first of them is ranked.
pub(crate) struct ActionGroup<'a> {
    /// The package, when the result names one (older results do not).
    pub package: Option<&'a WorkPackage>,
    pub actions: Vec<&'a NextAction>,
}

impl ActionGroup<'_> {
    /// Whether the group is worth a heading line: it gathers several actions, or its one
    /// action closes a requirement inside a larger deliverable.
    pub fn is_package(&self) -> bool {
        self.package.is_some_and(|package| {
            self.actions.len() > 1 || self.actions.iter().any(|a| a.id != package.id)
        })
    }

    pub fn blocker(&self) -> bool {
        self.actions.iter().any(|a| a.blocker)
    }

    pub fn gain(&self) -> f64 {
        self.actions.iter().map(|a| a.gain).sum()
    }

    pub fn effort_days(&self) -> f64 {
        self.actions.iter().map(|a| a.effort_days).sum()
    }
}

/// The next best actions gathered by work package, in order of each package's first action.
pub(crate) fn action_groups(result: &AssessmentResult) -> Vec<ActionGroup<'_>> {
    let mut groups: Vec<ActionGroup<'_>> = Vec::new();
    for action in &result.next_actions {
        let key = if action.package.is_empty() {
            action.id.as_str()
        } else {
            action.package.as_str()
        };
        let existing = groups.iter_mut().find(|group| {
            group.actions.first().is_some_and(|first| {
                (if first.package.is_empty() {
                    first.id.as_str()
                } else {
                    first.package.as_str()
                }) == key
            })
        });
        match existing {
            Some(group) => group.actions.push(action),
            None => groups.push(ActionGroup {
                package: result.work_packages.iter().find(|p| p.id == key),
                actions: vec![action],
            }),
        }
    }
    groups
}

/// A roadmap phase: its task count, from its earliest start to its latest end (tasks of a
/// phase run side by side, so the first task listed is not always the first to start).
pub(crate) struct PhaseSpan {
    pub phase: Phase,
    pub tasks: usize,
    pub from: Date,
    pub to: Date,
}

pub(crate) fn phase_spans(roadmap: &Roadmap) -> Vec<PhaseSpan> {
    Phase::ALL
        .iter()
        .filter_map(|phase| {
            let tasks: Vec<&Task> = roadmap.tasks.iter().filter(|t| t.phase == *phase).collect();
            Some(PhaseSpan {
                phase: *phase,
                tasks: tasks.len(),
                from: tasks.iter().map(|t| t.start).min()?,
                to: tasks.iter().map(|t| t.end).max()?,
            })
        })
        .collect()
}

/// The work packages in the order they start, for the roadmap.
pub(crate) fn packages_by_start(result: &AssessmentResult) -> Vec<&WorkPackage> {
    let mut packages: Vec<&WorkPackage> = result.work_packages.iter().collect();
    packages.sort_by_key(|p| (p.start, p.end, p.rank));
    packages
}

/// A work package with the gaps it closes, for a table with the requirements beneath.
pub(crate) struct PackageView<'a> {
    pub package: &'a WorkPackage,
    pub gaps: Vec<&'a Gap>,
}

impl PackageView<'_> {
    /// Whether its requirements are worth listing beneath it: more than one, or one that is
    /// not the package itself.
    pub fn nested(&self) -> bool {
        self.gaps.len() > 1 || self.gaps.iter().any(|g| g.id != self.package.id)
    }
}

pub(crate) fn package_views<'a>(
    result: &'a AssessmentResult,
    packages: impl IntoIterator<Item = &'a WorkPackage>,
) -> Vec<PackageView<'a>> {
    packages
        .into_iter()
        .map(|package| PackageView {
            package,
            gaps: package
                .requirements
                .iter()
                .filter_map(|id| result.gaps.iter().find(|g| &g.id == id))
                .collect(),
        })
        .collect()
}
