//! How far a crosswalk reaches into its target framework: per target requirement, per target
//! group, and the requirements no edge reaches.

use crate::model::{Catalog, Relationship};

/// Coverage of one target requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetCoverage {
    pub id: String,
    /// The number of edges that reach it, `no_relationship` edges excluded.
    pub edges: usize,
    /// The relationship of the strongest edge (ranked by relationship, then strength).
    pub best: Option<Relationship>,
    pub best_strength: Option<u8>,
}

/// Coverage of one top-level group of the target (a clause or an Annex A objective).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCoverage {
    pub id: String,
    pub title: String,
    pub reached: usize,
    pub total: usize,
}

/// The coverage of a whole crosswalk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub from: String,
    pub to: String,
    pub targets: Vec<TargetCoverage>,
    pub groups: Vec<GroupCoverage>,
    pub unreached: Vec<String>,
}

/// Computes the coverage of the crosswalk `from -> to`, or `None` when there is no such
/// crosswalk.
pub fn coverage(catalog: &Catalog, from: &str, to: &str) -> Option<Coverage> {
    let crosswalk = catalog.crosswalk(from, to)?;
    let target = catalog.framework(to)?;
    let mut targets = Vec::new();
    let mut unreached = Vec::new();
    for requirement in target.assessable() {
        let reaching: Vec<_> = crosswalk
            .edges_to(&requirement.id)
            .filter(|e| e.rel != Relationship::NoRelationship)
            .collect();
        let best = reaching
            .iter()
            .max_by_key(|e| (e.rel.coverage_rank(), e.strength))
            .copied();
        if reaching.is_empty() {
            unreached.push(requirement.id.to_string());
        }
        targets.push(TargetCoverage {
            id: requirement.id.to_string(),
            edges: reaching.len(),
            best: best.map(|e| e.rel),
            best_strength: best.map(|e| e.strength),
        });
    }
    let groups = target
        .groups()
        .map(|group| {
            let members: Vec<_> = targets
                .iter()
                .filter(|t| target.group_of(&t.id) == group.id)
                .collect();
            GroupCoverage {
                id: group.id.to_string(),
                title: group.title.to_string(),
                reached: members.iter().filter(|t| t.edges > 0).count(),
                total: members.len(),
            }
        })
        .filter(|g| g.total > 0)
        .collect();
    Some(Coverage {
        from: from.to_string(),
        to: to.to_string(),
        targets,
        groups,
        unreached,
    })
}
