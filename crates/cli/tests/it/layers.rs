//! The layering of the workspace, read from `Cargo.lock`: no core crate (catalog, assess,
//! report, pdf, wire) reaches a shell crate (store, web, cli) or an I/O runtime (tokio, sqlx,
//! axum, reqwest, hyper), directly or through another dependency. Clippy keeps the clock, the
//! file system and the network out of the core's own code; this keeps them out of its
//! dependencies. The lock file lists dev-dependencies too, so a core crate's tests and
//! benchmarks are held to the same rule.

use std::collections::{BTreeMap, BTreeSet};

const CORE: [&str; 5] = [
    "aimsgap-catalog",
    "aimsgap-assess",
    "aimsgap-report",
    "aimsgap-pdf",
    "aimsgap-wire",
];

/// Names that must not appear among a core crate's dependencies (a name, or a name prefix
/// ending in `-`, which covers a family such as `sqlx-core`).
const FORBIDDEN: [&str; 11] = [
    "aimsgap-store",
    "aimsgap-web",
    "aimsgap",
    "tokio",
    "sqlx",
    "sqlx-",
    "axum",
    "axum-",
    "reqwest",
    "hyper",
    "hyper-",
];

/// Every package of the lock file with the names of its dependencies (all versions merged).
fn graph(lock: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for package in lock.split("[[package]]").skip(1) {
        let mut name = None;
        let mut dependencies = BTreeSet::new();
        let mut in_dependencies = false;
        for line in package.lines() {
            let line = line.trim();
            if let Some(value) = line.strip_prefix("name = ") {
                name = Some(value.trim_matches('"').to_string());
            } else if line.starts_with("dependencies = [") {
                in_dependencies = true;
            } else if in_dependencies && line.starts_with(']') {
                in_dependencies = false;
            } else if in_dependencies {
                // `"name"`, `"name version"` or `"name version (source)"`.
                let entry = line.trim_end_matches(',').trim_matches('"');
                if let Some(dependency) = entry.split_whitespace().next() {
                    dependencies.insert(dependency.to_string());
                }
            }
        }
        let name = name.expect("every [[package]] has a name");
        graph.entry(name).or_default().extend(dependencies);
    }
    graph
}

/// Everything `root` depends on, directly or not.
fn closure(graph: &BTreeMap<String, BTreeSet<String>>, root: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(name) = todo.pop() {
        for dependency in graph.get(&name).into_iter().flatten() {
            if seen.insert(dependency.clone()) {
                todo.push(dependency.clone());
            }
        }
    }
    seen
}

fn forbidden(name: &str) -> bool {
    FORBIDDEN.iter().any(|rule| match rule.strip_suffix('-') {
        Some(prefix) => name.starts_with(&format!("{prefix}-")),
        None => name == *rule,
    })
}

fn workspace_graph() -> BTreeMap<String, BTreeSet<String>> {
    let lock = std::fs::read_to_string(super::root().join("Cargo.lock")).unwrap();
    graph(&lock)
}

#[test]
fn no_core_crate_depends_on_a_shell_crate_or_an_io_runtime() {
    let graph = workspace_graph();
    for core in CORE {
        assert!(graph.contains_key(core), "{core} is not in Cargo.lock");
        let reached: Vec<String> = closure(&graph, core)
            .into_iter()
            .filter(|name| forbidden(name))
            .collect();
        assert!(
            reached.is_empty(),
            "the core crate {core} depends on {reached:?}: the core does no I/O, so it may not \
             depend on the shell or an I/O runtime (move the code that needs it to store, web or \
             the CLI)"
        );
    }
}

#[test]
fn the_layering_check_sees_the_shell_s_dependencies() {
    // The check above passes vacuously if the graph is misread; the shell's known
    // dependencies prove it is read right.
    let graph = workspace_graph();
    let web = closure(&graph, "aimsgap-web");
    for expected in ["tokio", "axum", "sqlx-core", "aimsgap-store"] {
        assert!(
            web.contains(expected),
            "aimsgap-web should reach {expected}"
        );
        assert!(
            forbidden(expected),
            "{expected} should be forbidden in the core"
        );
    }
    assert!(web.contains("aimsgap-report"));
    for allowed in ["aimsgap-report", "aimsgap-catalog", "serde", "typst"] {
        assert!(!forbidden(allowed), "{allowed} is allowed in the core");
    }
}
