//! Seeds a database for the server load test: one user with an API token and a browser session,
//! one organisation and N assessments (the example files, round robin). Writes, into OUT_DIR,
//! the files the load script reads:
//!
//! - `token.txt`: the API token; `session.txt`: the session cookie's value (pages);
//! - `org.txt`: the organisation id; `ids.txt`: the assessment ids, one a line;
//! - `requirements.txt`: ISO/IEC 42001 requirements that no example answers, so that an answer
//!   write at version 0 creates an answer on every assessment.
//!
//! Each assessment also gets today's daily run, as the server's housekeeping would record it
//! (its readiness; the body is a stand-in, since ten thousand whole results would fill the
//! disk). Without it, the server's start-up pass would compute every assessment while the load
//! runs and share the CPU with it. Usage:
//!   cargo run --release -p aimsgap-web --example load_seed -- DATABASE_URL N OUT_DIR
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::Write;

const EXAMPLES: [&str; 5] = [
    include_str!("../../../examples/saas-chatbot-iso27001.yaml"),
    include_str!("../../../examples/hrtech-cv-screening-soc2.yaml"),
    include_str!("../../../examples/bank-credit-scoring.yaml"),
    include_str!("../../../examples/medical-device-maker.yaml"),
    include_str!("../../../examples/startup-gpai-provider.yaml"),
];

/// How many unanswered requirements the answer writes cycle through.
const WRITE_REQUIREMENTS: usize = 8;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, n, out) = (
        &args[1],
        args[2].parse::<usize>().unwrap(),
        std::path::PathBuf::from(&args[3]),
    );
    let catalog = aimsgap_catalog::builtin().unwrap();
    let store = aimsgap_store::Store::connect(url).await.unwrap();
    let user = store
        .create_user(
            &format!(
                "load-{}@example.test",
                &aimsgap_store::new_token().unwrap()[..8]
            ),
            "Load",
            "not-a-login",
        )
        .await
        .unwrap();
    let token = aimsgap_store::new_token().unwrap();
    store
        .create_api_token(&user.id, "load", &token)
        .await
        .unwrap();
    let session = aimsgap_store::new_token().unwrap();
    let csrf = aimsgap_store::new_token().unwrap();
    store
        .create_session(
            &user.id,
            &session,
            &csrf,
            &aimsgap_store::in_seconds(24 * 3600),
        )
        .await
        .unwrap();
    let org = store
        .create_organization("Load test", &user.id)
        .await
        .unwrap();
    let documents: Vec<aimsgap_wire::assessment::Document> = EXAMPLES
        .iter()
        .map(|text| aimsgap_assess::read_document("example", text).unwrap())
        .collect();
    let readiness: Vec<f64> = documents
        .iter()
        .map(|document| {
            let assessment = aimsgap_assess::from_document(
                "example",
                document,
                &catalog,
                aimsgap_store::today(),
            )
            .unwrap();
            aimsgap_assess::assess(&catalog, &assessment)
                .unwrap()
                .readiness
                .point
        })
        .collect();
    let iso = catalog.framework(aimsgap_assess::TARGET).unwrap();
    let unanswered: Vec<&str> = iso
        .assessable()
        .map(|requirement| requirement.id.as_str())
        .filter(|id| documents.iter().all(|d| !d.answers.contains_key(*id)))
        .take(WRITE_REQUIREMENTS)
        .collect();
    assert!(!unanswered.is_empty(), "every requirement is answered");
    std::fs::write(out.join("requirements.txt"), unanswered.join("\n") + "\n").unwrap();
    let run_body = serde_json::json!({});
    let mut ids = std::fs::File::create(out.join("ids.txt")).unwrap();
    let started = std::time::Instant::now();
    for i in 0..n {
        let meta = store
            .create_assessment(
                &org.id,
                &format!("assessment {i}"),
                &documents[i % documents.len()],
                &user.id,
            )
            .await
            .unwrap();
        store
            .save_run(
                &meta.id,
                aimsgap_store::DAILY_RUN_ACTOR,
                readiness[i % readiness.len()],
                &run_body,
            )
            .await
            .unwrap();
        writeln!(ids, "{}", meta.id).unwrap();
    }
    std::fs::write(out.join("token.txt"), &token).unwrap();
    std::fs::write(out.join("session.txt"), &session).unwrap();
    std::fs::write(out.join("org.txt"), &org.id).unwrap();
    eprintln!(
        "seeded {n} assessments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
