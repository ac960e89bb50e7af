//! The JSON result, schema `aimsgap/assessment-result/2`: the domain result turned into the
//! wire types of `aimsgap_wire::result`, which also read it back. Keep names; add fields freely
//! (in the wire types, in alphabetical order).

use aimsgap_assess::{AssessmentResult, Readiness, Source};
use aimsgap_wire::result as wire;
use serde_json::Value;
use std::io;

/// The schema id written into every result.
pub const SCHEMA: &str = wire::SCHEMA;

fn r3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn readiness(r: &Readiness) -> wire::Readiness {
    wire::Readiness {
        counted: r.counted,
        hi: r.hi,
        id: r.id.clone(),
        lo: r.lo,
        met: r.met,
        point: r.point,
        title: r.title.clone(),
    }
}

fn source(source: &Source) -> wire::Source {
    match source {
        Source::Answer {
            from,
            status,
            maturity,
            evidence_weight,
            best_evidence,
            stale,
        } => wire::Source::Answer(wire::AnswerSource {
            best_evidence: best_evidence.map(|k| k.as_str().to_string()),
            evidence_weight: r3(*evidence_weight),
            from: from.clone(),
            kind: wire::AnswerKind::Answer,
            maturity: *maturity,
            stale: *stale,
            status: status.as_str().to_string(),
        }),
        Source::Inherited {
            framework,
            scope_covers_ai,
            certification_factor,
            edges,
        } => wire::Source::Inherited(wire::InheritedSource {
            certification_factor: r3(*certification_factor),
            edges: edges
                .iter()
                .map(|e| wire::Edge {
                    credit: r3(e.credit),
                    rel: e.rel.as_str().to_string(),
                    source: e.source.clone(),
                    source_factor: r3(e.source_factor),
                    strength: e.strength,
                })
                .collect(),
            framework: framework.clone(),
            kind: wire::InheritedKind::Inherited,
            scope_covers_ai: *scope_covers_ai,
        }),
    }
}

/// The whole result as its wire type.
pub fn to_wire(result: &AssessmentResult) -> wire::AssessmentResult {
    let claims = &result.claims;
    wire::AssessmentResult {
        as_of: result.as_of.to_string(),
        claims: wire::Claims {
            declared: claims.declared,
            declared_requirements: claims.declared_requirements,
            evidenced: claims.evidenced,
            evidenced_requirements: claims.evidenced_requirements,
            inherited_requirements: claims.inherited_requirements,
            point: claims.point,
            to_attach: claims
                .to_attach
                .iter()
                .map(|a| wire::Attach {
                    answer: a.answer.as_str().to_string(),
                    blocker: a.blocker,
                    expected: a.expected.clone(),
                    gain: a.gain,
                    id: a.id.clone(),
                    title: a.title.clone(),
                })
                .collect(),
        },
        baseline: result
            .baseline
            .iter()
            .map(|b| wire::Baseline {
                counted: b.counted,
                derivation: b.derivation.clone(),
                framework: b.framework.clone(),
                hi: b.hi,
                lo: b.lo,
                point: b.point,
                reached: b.reached,
            })
            .collect(),
        diagnostics: result
            .diagnostics
            .iter()
            .map(|d| wire::Diagnostic {
                field: d.field.clone(),
                message: d.message.clone(),
            })
            .collect(),
        gaps: result
            .gaps
            .iter()
            .map(|g| wire::Gap {
                blocker: g.blocker,
                factors: wire::Factors {
                    blocker: r3(g.factors.blocker),
                    ease: r3(g.factors.ease),
                    effort_days: g.factors.effort_days,
                    obligations: g.factors.obligations.clone(),
                    regulatory: r3(g.factors.regulatory),
                    size: r3(g.factors.size),
                    system_risk: r3(g.factors.system_risk),
                    systems: g.factors.systems.clone(),
                    unblocks: r3(g.factors.unblocks),
                    waiting: g.factors.waiting,
                },
                id: g.id.to_string(),
                next_action: g.next_action.clone(),
                package: g.package.clone(),
                priority: g.priority,
                rank: g.rank,
                status: g.status.as_str().to_string(),
                title: g.title.to_string(),
            })
            .collect(),
        next_actions: result
            .next_actions
            .iter()
            .map(|a| wire::NextAction {
                action: a.action.clone(),
                blocker: a.blocker,
                effort_days: a.effort_days,
                gain: a.gain,
                id: a.id.to_string(),
                package: a.package.clone(),
            })
            .collect(),
        nist_ai_rmf: result.nist_ai_rmf.as_ref().map(|c| wire::RmfCoverage {
            covered: c.covered,
            partial: c.partial,
            point: c.point,
            subcategories: c.subcategories,
            uncovered: c.uncovered.clone(),
        }),
        obligations: result
            .obligations
            .iter()
            .map(|s| wire::SystemObligations {
                classification: s.classification.as_str().to_string(),
                items: s.items.iter().map(obligation_item).collect(),
                law: s.law.clone(),
                permissions: s.permissions.iter().map(obligation_item).collect(),
                reasons: s.reasons.clone(),
                system: s.system.clone(),
                system_name: s.system_name.clone(),
                tiers: s.tiers.clone(),
                version: s.version.clone(),
            })
            .collect(),
        organization: result.organization.clone(),
        readiness: wire::ReadinessSummary {
            groups: result.groups.iter().map(readiness).collect(),
            overall: readiness(&result.readiness),
        },
        requirements: result
            .requirements
            .iter()
            .map(|r| wire::Requirement {
                answer_notes: r.answer_notes.as_deref().map(String::from),
                basis: Some(r.basis.as_str().to_string()),
                credit: wire::Credit {
                    hi: r3(r.credit.hi),
                    lo: r3(r.credit.lo),
                    point: r3(r.credit.point),
                },
                evidence: r
                    .evidence
                    .iter()
                    .map(|e| wire::EvidenceItem {
                        date: e.date.map(|d| d.to_string()),
                        freshness: e.freshness.as_str().to_string(),
                        kind: e.kind.as_str().to_string(),
                        reference: e.reference.to_string(),
                        review_by: e.review_by.map(|d| d.to_string()),
                        sha256: e.sha256.clone(),
                        weight: r3(e.weight),
                    })
                    .collect(),
                group: r.group.to_string(),
                id: r.id.to_string(),
                notes: r.notes.clone(),
                owner: r.owner.as_deref().map(String::from),
                sources: r.sources.iter().map(source).collect(),
                status: r.status.as_str().to_string(),
                title: r.title.to_string(),
            })
            .collect(),
        roadmap: wire::Roadmap {
            stage1_date: result.roadmap.stage1_date.to_string(),
            stage2_date: result.roadmap.stage2_date.to_string(),
            tasks: result
                .roadmap
                .tasks
                .iter()
                .map(|t| wire::Task {
                    depends_on: t.depends_on.iter().map(|d| d.to_string()).collect(),
                    effort_days: t.effort_days,
                    end: t.end.to_string(),
                    id: t.id.to_string(),
                    package: t.package.clone(),
                    phase: t.phase.as_str().to_string(),
                    requirement: t.requirement.to_string(),
                    start: t.start.to_string(),
                    title: t.title.clone(),
                })
                .collect(),
            total_effort_days: result.roadmap.total_effort_days,
        },
        schema: SCHEMA.to_string(),
        soa: result
            .soa
            .iter()
            .map(|s| wire::SoaEntry {
                control: s.control.to_string(),
                evidence: s
                    .evidence
                    .iter()
                    .map(|(reference, kind, date)| wire::SoaEvidence {
                        date: date.map(|d| d.to_string()),
                        kind: kind.as_str().to_string(),
                        reference: reference.to_string(),
                    })
                    .collect(),
                included: s.included,
                justification: s.justification.clone(),
                last_review: s.last_review.map(|d| d.to_string()),
                owner: s.owner.as_deref().map(String::from),
                status: s.status.as_str().to_string(),
                title: s.title.to_string(),
            })
            .collect(),
        verdict: wire::Verdict {
            ready_for_stage1: result.verdict.ready_for_stage1,
            reasons: result.verdict.reasons.clone(),
        },
        work_packages: result
            .work_packages
            .iter()
            .map(|p| wire::WorkPackage {
                blocker: p.blocker,
                effort_days: p.effort_days,
                end: p.end.to_string(),
                id: p.id.clone(),
                next_action: p.next_action.clone(),
                priority: p.priority,
                rank: p.rank,
                requirements: p.requirements.iter().map(|r| r.to_string()).collect(),
                start: p.start.to_string(),
                status: p.status.as_str().to_string(),
                title: p.title.clone(),
            })
            .collect(),
    }
}

/// The whole result as a JSON value.
pub fn to_value(result: &AssessmentResult) -> Value {
    serde_json::to_value(to_wire(result)).unwrap_or_default()
}

/// The result as pretty JSON text with a final newline: the same bytes as
/// `to_wire(result).to_json()`, written without copying the result into wire values first.
pub fn render(result: &AssessmentResult) -> String {
    String::from_utf8(render_bytes(result)).unwrap_or_default()
}

/// [`render`]'s text as bytes, for what sends, compresses or saves them: the same bytes, without
/// checking again that they are UTF-8 (they are written from `str`s and ASCII), about 5% of the
/// write's instructions.
pub fn render_bytes(result: &AssessmentResult) -> Vec<u8> {
    // The examples' results are 230 to 390 kB: one allocation of that order, rather than a 64 kB
    // start doubled three times with a copy each time (pages not written are not touched).
    let mut bytes = write_pretty(&view::of(result), 512 * 1024).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `value` as serde_json's `to_string_pretty` writes it (two spaces a level, `": "` after a
/// key, numbers in their shortest form), by the writer of [`render`].
pub fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> Option<String> {
    String::from_utf8(write_pretty(value, 0)?).ok()
}

/// sonic-rs writes `value` into a buffer of `capacity` bytes to start with, scanning strings
/// for what needs escaping many bytes at a time where serde_json looks at one byte at a time:
/// strings are most of a result.
fn write_pretty<T: serde::Serialize + ?Sized>(value: &T, capacity: usize) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(capacity);
    let mut serializer = sonic_rs::Serializer::with_formatter(&mut bytes, Pretty::default());
    value.serialize(&mut serializer).ok()?;
    Some(bytes)
}

/// A line break and the deepest indentation written in one piece.
const BREAK: [u8; 129] = {
    let mut bytes = [b' '; 129];
    bytes[0] = b'\n';
    bytes
};

/// serde_json's pretty layout (two spaces a level, `": "` after a key), with each line break
/// and its indentation written at once rather than one write per level (as serde_json's and
/// sonic-rs's own pretty formatters do): the same bytes, a fraction of the writes.
#[derive(Clone, Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn new_line<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        match BREAK.get(..1 + self.level.saturating_mul(2)) {
            Some(bytes) => writer.write_all(bytes),
            None => {
                writer.write_all(b"\n")?;
                for _ in 0..self.level {
                    writer.write_all(b"  ")?;
                }
                Ok(())
            }
        }
    }

    fn open<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.new_line(writer)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.new_line(writer)
    }
}

impl sonic_rs::format::Formatter for Pretty {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn obligation_item(i: &aimsgap_assess::ObligationItem) -> wire::ObligationItem {
    wire::ObligationItem {
        applies_from: i.applies_from.to_string(),
        days_until: i.days_until,
        deadlines: i
            .deadlines
            .iter()
            .map(|(days, case)| wire::Deadline {
                case: case.clone(),
                days: *days,
            })
            .collect(),
        id: i.id.to_string(),
        notes: i.notes.clone(),
        reference: i.reference.to_string(),
        state: i.state.as_str().to_string(),
        supported_by: i
            .supported_by
            .iter()
            .map(|(id, status)| wire::Support {
                id: id.clone(),
                status: status.as_str().to_string(),
            })
            .collect(),
        title: i.title.to_string(),
        unverified: i.unverified.clone(),
    }
}

/// The result JSON written straight from the engine's result: each type here has the fields
/// of its twin in `aimsgap_wire::result`, in the same order and with the same attributes, but
/// borrows its text instead of copying it, so writing a result copies no string before the
/// bytes. `render` writes these; `to_wire` stays for readers that want owned values, and a
/// test holds the two outputs equal byte for byte.
mod view {
    use aimsgap_assess::{AssessmentResult, ObligationItem, Readiness, Source};
    use aimsgap_catalog::{Date, SmolStr};
    use aimsgap_wire::result::{AnswerKind, InheritedKind, SCHEMA};
    use serde::{Serialize, Serializer};

    use super::r3;

    /// A date written as its `YYYY-MM-DD` text, without making a `String` first.
    #[derive(Clone, Copy)]
    pub(super) struct Day(Date);

    impl Serialize for Day {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(&self.0)
        }
    }

    #[derive(Serialize)]
    pub(super) struct Whole<'a> {
        as_of: Day,
        baseline: Vec<Baseline<'a>>,
        claims: Claims<'a>,
        diagnostics: Vec<Diagnostic<'a>>,
        gaps: Vec<Gap<'a>>,
        next_actions: Vec<NextAction<'a>>,
        nist_ai_rmf: Option<RmfCoverage<'a>>,
        obligations: Vec<SystemObligations<'a>>,
        organization: &'a str,
        readiness: ReadinessSummary<'a>,
        requirements: Vec<Requirement<'a>>,
        roadmap: Roadmap<'a>,
        schema: &'static str,
        soa: Vec<SoaEntry<'a>>,
        verdict: Verdict<'a>,
        work_packages: Vec<WorkPackage<'a>>,
    }

    #[derive(Serialize)]
    struct ReadinessSummary<'a> {
        groups: Vec<ReadinessView<'a>>,
        overall: ReadinessView<'a>,
    }

    #[derive(Serialize)]
    struct ReadinessView<'a> {
        counted: usize,
        hi: f64,
        id: &'a str,
        lo: f64,
        met: usize,
        point: f64,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct Baseline<'a> {
        counted: usize,
        derivation: &'a [String],
        framework: &'a str,
        hi: f64,
        lo: f64,
        point: f64,
        reached: usize,
    }

    #[derive(Serialize)]
    struct Credit {
        hi: f64,
        lo: f64,
        point: f64,
    }

    #[derive(Serialize)]
    struct Claims<'a> {
        declared: f64,
        declared_requirements: usize,
        evidenced: f64,
        evidenced_requirements: usize,
        inherited_requirements: usize,
        point: f64,
        to_attach: Vec<Attach<'a>>,
    }

    #[derive(Serialize)]
    struct Attach<'a> {
        answer: &'static str,
        blocker: bool,
        expected: &'a str,
        gain: f64,
        id: &'a str,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct Requirement<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        answer_notes: Option<&'a str>,
        basis: Option<&'static str>,
        credit: Credit,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<EvidenceItem<'a>>,
        group: &'a str,
        id: &'a str,
        notes: &'a [String],
        owner: Option<&'a str>,
        sources: Vec<SourceView<'a>>,
        status: &'static str,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct EvidenceItem<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<Day>,
        freshness: &'static str,
        kind: &'static str,
        #[serde(rename = "ref")]
        reference: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        review_by: Option<Day>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sha256: Option<&'a str>,
        weight: f64,
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum SourceView<'a> {
        Answer(AnswerSource<'a>),
        Inherited(InheritedSource<'a>),
    }

    #[derive(Serialize)]
    struct AnswerSource<'a> {
        best_evidence: Option<&'static str>,
        evidence_weight: f64,
        from: &'a str,
        kind: AnswerKind,
        maturity: Option<u8>,
        stale: bool,
        status: &'static str,
    }

    #[derive(Serialize)]
    struct InheritedSource<'a> {
        certification_factor: f64,
        edges: Vec<Edge<'a>>,
        framework: &'a str,
        kind: InheritedKind,
        scope_covers_ai: bool,
    }

    #[derive(Serialize)]
    struct Edge<'a> {
        credit: f64,
        rel: &'static str,
        source: &'a str,
        source_factor: f64,
        strength: u8,
    }

    #[derive(Serialize)]
    struct Gap<'a> {
        blocker: bool,
        factors: Factors<'a>,
        id: &'a str,
        next_action: &'a str,
        package: &'a str,
        priority: f64,
        rank: usize,
        status: &'static str,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct Factors<'a> {
        blocker: f64,
        ease: f64,
        effort_days: f64,
        obligations: &'a [String],
        regulatory: f64,
        size: f64,
        system_risk: f64,
        systems: &'a [String],
        unblocks: f64,
        waiting: usize,
    }

    #[derive(Serialize)]
    struct Verdict<'a> {
        ready_for_stage1: bool,
        reasons: &'a [String],
    }

    #[derive(Serialize)]
    struct SystemObligations<'a> {
        classification: &'static str,
        items: Vec<Item<'a>>,
        law: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        permissions: Vec<Item<'a>>,
        reasons: &'a [String],
        system: &'a str,
        system_name: &'a str,
        tiers: &'a [String],
        version: &'a str,
    }

    #[derive(Serialize)]
    struct Item<'a> {
        applies_from: Day,
        days_until: i64,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        deadlines: Vec<Deadline<'a>>,
        id: &'a str,
        #[serde(skip_serializing_if = "no_text")]
        notes: &'a [String],
        #[serde(rename = "ref")]
        reference: &'a str,
        state: &'static str,
        supported_by: Vec<Support<'a>>,
        title: &'a str,
        unverified: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct Deadline<'a> {
        case: &'a str,
        days: u16,
    }

    #[derive(Serialize)]
    struct Support<'a> {
        id: &'a str,
        status: &'static str,
    }

    #[derive(Serialize)]
    struct RmfCoverage<'a> {
        covered: usize,
        partial: usize,
        point: f64,
        subcategories: usize,
        uncovered: &'a [String],
    }

    #[derive(Serialize)]
    struct Roadmap<'a> {
        stage1_date: Day,
        stage2_date: Day,
        tasks: Vec<Task<'a>>,
        total_effort_days: f64,
    }

    #[derive(Serialize)]
    struct Task<'a> {
        depends_on: &'a [SmolStr],
        effort_days: f64,
        end: Day,
        id: &'a str,
        package: &'a str,
        phase: &'static str,
        requirement: &'a str,
        start: Day,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct SoaEntry<'a> {
        control: &'a str,
        evidence: Vec<SoaEvidence<'a>>,
        included: bool,
        justification: &'a str,
        last_review: Option<Day>,
        owner: Option<&'a str>,
        status: &'static str,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct SoaEvidence<'a> {
        date: Option<Day>,
        kind: &'static str,
        #[serde(rename = "ref")]
        reference: &'a str,
    }

    #[derive(Serialize)]
    struct NextAction<'a> {
        action: &'a str,
        blocker: bool,
        effort_days: f64,
        gain: f64,
        id: &'a str,
        package: &'a str,
    }

    #[derive(Serialize)]
    struct WorkPackage<'a> {
        blocker: bool,
        effort_days: f64,
        end: Day,
        id: &'a str,
        next_action: &'a str,
        priority: f64,
        rank: usize,
        requirements: &'a [aimsgap_catalog::SmolStr],
        start: Day,
        status: &'static str,
        title: &'a str,
    }

    #[derive(Serialize)]
    struct Diagnostic<'a> {
        field: &'a str,
        message: &'a str,
    }

    fn no_text(list: &&[String]) -> bool {
        list.is_empty()
    }

    fn readiness(r: &Readiness) -> ReadinessView<'_> {
        ReadinessView {
            counted: r.counted,
            hi: r.hi,
            id: &r.id,
            lo: r.lo,
            met: r.met,
            point: r.point,
            title: &r.title,
        }
    }

    fn source(source: &Source) -> SourceView<'_> {
        match source {
            Source::Answer {
                from,
                status,
                maturity,
                evidence_weight,
                best_evidence,
                stale,
            } => SourceView::Answer(AnswerSource {
                best_evidence: best_evidence.map(|k| k.as_str()),
                evidence_weight: r3(*evidence_weight),
                from,
                kind: AnswerKind::Answer,
                maturity: *maturity,
                stale: *stale,
                status: status.as_str(),
            }),
            Source::Inherited {
                framework,
                scope_covers_ai,
                certification_factor,
                edges,
            } => SourceView::Inherited(InheritedSource {
                certification_factor: r3(*certification_factor),
                edges: edges
                    .iter()
                    .map(|e| Edge {
                        credit: r3(e.credit),
                        rel: e.rel.as_str(),
                        source: &e.source,
                        source_factor: r3(e.source_factor),
                        strength: e.strength,
                    })
                    .collect(),
                framework,
                kind: InheritedKind::Inherited,
                scope_covers_ai: *scope_covers_ai,
            }),
        }
    }

    fn item(i: &ObligationItem) -> Item<'_> {
        Item {
            applies_from: Day(i.applies_from),
            days_until: i.days_until,
            deadlines: i
                .deadlines
                .iter()
                .map(|(days, case)| Deadline { case, days: *days })
                .collect(),
            id: &i.id,
            notes: &i.notes,
            reference: &i.reference,
            state: i.state.as_str(),
            supported_by: i
                .supported_by
                .iter()
                .map(|(id, status)| Support {
                    id,
                    status: status.as_str(),
                })
                .collect(),
            title: &i.title,
            unverified: i.unverified.as_deref(),
        }
    }

    pub(super) fn of(result: &AssessmentResult) -> Whole<'_> {
        let claims = &result.claims;
        Whole {
            as_of: Day(result.as_of),
            claims: Claims {
                declared: claims.declared,
                declared_requirements: claims.declared_requirements,
                evidenced: claims.evidenced,
                evidenced_requirements: claims.evidenced_requirements,
                inherited_requirements: claims.inherited_requirements,
                point: claims.point,
                to_attach: claims
                    .to_attach
                    .iter()
                    .map(|a| Attach {
                        answer: a.answer.as_str(),
                        blocker: a.blocker,
                        expected: &a.expected,
                        gain: a.gain,
                        id: &a.id,
                        title: &a.title,
                    })
                    .collect(),
            },
            baseline: result
                .baseline
                .iter()
                .map(|b| Baseline {
                    counted: b.counted,
                    derivation: &b.derivation,
                    framework: &b.framework,
                    hi: b.hi,
                    lo: b.lo,
                    point: b.point,
                    reached: b.reached,
                })
                .collect(),
            diagnostics: result
                .diagnostics
                .iter()
                .map(|d| Diagnostic {
                    field: &d.field,
                    message: &d.message,
                })
                .collect(),
            gaps: result
                .gaps
                .iter()
                .map(|g| Gap {
                    blocker: g.blocker,
                    factors: Factors {
                        blocker: r3(g.factors.blocker),
                        ease: r3(g.factors.ease),
                        effort_days: g.factors.effort_days,
                        obligations: &g.factors.obligations,
                        regulatory: r3(g.factors.regulatory),
                        size: r3(g.factors.size),
                        system_risk: r3(g.factors.system_risk),
                        systems: &g.factors.systems,
                        unblocks: r3(g.factors.unblocks),
                        waiting: g.factors.waiting,
                    },
                    id: &g.id,
                    next_action: &g.next_action,
                    package: &g.package,
                    priority: g.priority,
                    rank: g.rank,
                    status: g.status.as_str(),
                    title: &g.title,
                })
                .collect(),
            next_actions: result
                .next_actions
                .iter()
                .map(|a| NextAction {
                    action: &a.action,
                    blocker: a.blocker,
                    effort_days: a.effort_days,
                    gain: a.gain,
                    id: &a.id,
                    package: &a.package,
                })
                .collect(),
            nist_ai_rmf: result.nist_ai_rmf.as_ref().map(|c| RmfCoverage {
                covered: c.covered,
                partial: c.partial,
                point: c.point,
                subcategories: c.subcategories,
                uncovered: &c.uncovered,
            }),
            obligations: result
                .obligations
                .iter()
                .map(|s| SystemObligations {
                    classification: s.classification.as_str(),
                    items: s.items.iter().map(item).collect(),
                    law: &s.law,
                    permissions: s.permissions.iter().map(item).collect(),
                    reasons: &s.reasons,
                    system: &s.system,
                    system_name: &s.system_name,
                    tiers: &s.tiers,
                    version: &s.version,
                })
                .collect(),
            organization: &result.organization,
            readiness: ReadinessSummary {
                groups: result.groups.iter().map(readiness).collect(),
                overall: readiness(&result.readiness),
            },
            requirements: result
                .requirements
                .iter()
                .map(|r| Requirement {
                    answer_notes: r.answer_notes.as_deref(),
                    basis: Some(r.basis.as_str()),
                    credit: Credit {
                        hi: r3(r.credit.hi),
                        lo: r3(r.credit.lo),
                        point: r3(r.credit.point),
                    },
                    evidence: r
                        .evidence
                        .iter()
                        .map(|e| EvidenceItem {
                            date: e.date.map(Day),
                            freshness: e.freshness.as_str(),
                            kind: e.kind.as_str(),
                            reference: &e.reference,
                            review_by: e.review_by.map(Day),
                            sha256: e.sha256.as_deref(),
                            weight: r3(e.weight),
                        })
                        .collect(),
                    group: &r.group,
                    id: &r.id,
                    notes: &r.notes,
                    owner: r.owner.as_deref(),
                    sources: r.sources.iter().map(source).collect(),
                    status: r.status.as_str(),
                    title: &r.title,
                })
                .collect(),
            roadmap: Roadmap {
                stage1_date: Day(result.roadmap.stage1_date),
                stage2_date: Day(result.roadmap.stage2_date),
                tasks: result
                    .roadmap
                    .tasks
                    .iter()
                    .map(|t| Task {
                        depends_on: &t.depends_on,
                        effort_days: t.effort_days,
                        end: Day(t.end),
                        id: &t.id,
                        package: &t.package,
                        phase: t.phase.as_str(),
                        requirement: &t.requirement,
                        start: Day(t.start),
                        title: &t.title,
                    })
                    .collect(),
                total_effort_days: result.roadmap.total_effort_days,
            },
            schema: SCHEMA,
            soa: result
                .soa
                .iter()
                .map(|s| SoaEntry {
                    control: &s.control,
                    evidence: s
                        .evidence
                        .iter()
                        .map(|(reference, kind, date)| SoaEvidence {
                            date: date.map(Day),
                            kind: kind.as_str(),
                            reference,
                        })
                        .collect(),
                    included: s.included,
                    justification: &s.justification,
                    last_review: s.last_review.map(Day),
                    owner: s.owner.as_deref(),
                    status: s.status.as_str(),
                    title: &s.title,
                })
                .collect(),
            verdict: Verdict {
                ready_for_stage1: result.verdict.ready_for_stage1,
                reasons: &result.verdict.reasons,
            },
            work_packages: result
                .work_packages
                .iter()
                .map(|p| WorkPackage {
                    blocker: p.blocker,
                    effort_days: p.effort_days,
                    end: Day(p.end),
                    id: &p.id,
                    next_action: &p.next_action,
                    priority: p.priority,
                    rank: p.rank,
                    requirements: &p.requirements,
                    start: Day(p.start),
                    status: p.status.as_str(),
                    title: &p.title,
                })
                .collect(),
        }
    }
}
