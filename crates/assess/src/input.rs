//! The assessment as the engine sees it: the organisation, its certifications, its AI systems
//! and its answers, on one as-of date. Built by [`crate::parse_assessment`] or in code.

use aimsgap_catalog::{Date, SmolStr, vocabulary};

vocabulary! {
    /// The organisation's answer about one requirement.
    AnswerStatus {
        Implemented => "implemented",
        Partial => "partial",
        Planned => "planned",
        NotImplemented => "not_implemented",
        NotApplicable => "not_applicable",
    }
}

vocabulary! {
    /// What a piece of evidence is. A template is not an operating process.
    EvidenceKind {
        Template => "template",
        Draft => "draft",
        ApprovedDocument => "approved_document",
        OperatingRecord => "operating_record",
        AuditReport => "audit_report",
    }
}

vocabulary! {
    /// The state of a certification or attestation the organisation holds.
    CertificationStatus {
        Certified => "certified",
        Attested => "attested",
        SelfAssessed => "self_assessed",
        InProgress => "in_progress",
        Expired => "expired",
    }
}

vocabulary! {
    /// How a control of a held certification is implemented, when stated control by control.
    ControlStatus {
        Implemented => "implemented",
        Partial => "partial",
        NotImplemented => "not_implemented",
        NotApplicable => "not_applicable",
    }
}

vocabulary! {
    /// SOC 2 report type.
    ReportType { Type1 => "type1", Type2 => "type2" }
}

vocabulary! {
    /// SOC 2 trust services categories.
    TrustCategory {
        Security => "security",
        Availability => "availability",
        Confidentiality => "confidentiality",
        ProcessingIntegrity => "processing_integrity",
        Privacy => "privacy",
    }
}

vocabulary! {
    /// The organisation's role for one AI system.
    SystemRole {
        Provider => "provider",
        Deployer => "deployer",
        Importer => "importer",
        Distributor => "distributor",
        ProductManufacturer => "product_manufacturer",
    }
}

/// The organisation assessed.
#[derive(Clone, Debug, PartialEq)]
pub struct Organization {
    pub name: String,
    pub employees: u32,
    pub sector: String,
    /// Jurisdiction codes: `EU`, `US`, `US-CO`, ...
    pub jurisdictions: Vec<String>,
    /// People working on the AI management system, in full-time equivalents. Invariant: > 0.
    pub team_fte: f64,
}

/// A certification, attestation or self-assessment the organisation holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Certification {
    /// A framework id of the catalog: `iso27001`, `soc2`, `nist-ai-rmf`.
    pub framework: String,
    pub status: CertificationStatus,
    pub valid_until: Option<Date>,
    pub scope_covers_ai: bool,
    pub report: Option<ReportType>,
    pub categories: Vec<TrustCategory>,
    /// Per-control overrides; controls not listed are implemented.
    pub controls: Vec<(String, ControlStatus)>,
}

/// One AI system of the inventory, with the facts that classify it under the law.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AiSystem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub role: Option<SystemRole>,
    pub markets: Vec<String>,
    pub interacts_with_natural_persons: bool,
    pub generates_synthetic_content: bool,
    pub emotion_recognition: bool,
    pub biometric_categorisation: bool,
    pub annex_iii_area: Option<String>,
    /// The Annex III point (`5(b)`), an entry of the EU AI Act's `annex_iii_points` list.
    /// Invariant: when given, `annex_iii_area` is the point's area.
    pub annex_iii_point: Option<String>,
    /// The day the system was first placed on the market or put into service, when known.
    pub placed_on_market: Option<Date>,
    pub annex_i_product: Option<String>,
    pub art_6_3_exemption: bool,
    pub prohibited_practice: Option<String>,
    pub consequential_decisions: Vec<String>,
    pub gpai_model: bool,
    pub gpai_systemic_risk: bool,
    pub public_body: bool,
}

/// One piece of evidence behind an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// Shared with the result's uses of it rather than copied.
    pub reference: SmolStr,
    pub kind: EvidenceKind,
    /// When it took effect.
    pub date: Option<Date>,
    /// When it is due for review or expires.
    pub review_by: Option<Date>,
    /// The SHA-256 of its file, 64 lowercase hexadecimal digits.
    pub sha256: Option<String>,
}

/// The organisation's answer about one ISO/IEC 42001 requirement, control or group.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The id answered; an answer on a group applies to its children without their own.
    pub id: String,
    pub status: AnswerStatus,
    /// 0..=5 when given.
    pub maturity: Option<u8>,
    /// The owner and notes are shared with the results of every requirement the answer
    /// governs rather than copied.
    pub owner: Option<SmolStr>,
    pub evidence: Vec<Evidence>,
    pub justification: Option<String>,
    pub notes: Option<SmolStr>,
    /// When the work on it is due; carried for planning, never judged.
    pub due: Option<Date>,
}

/// Everything the engine needs, including the date it judges on.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub as_of: Date,
    pub organization: Organization,
    pub certifications: Vec<Certification>,
    pub ai_systems: Vec<AiSystem>,
    pub answers: Vec<Answer>,
}
