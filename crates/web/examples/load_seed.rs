//! Seeds a database for the server load test: one user with an API token, one organisation and
//! N assessments (the example files, round robin). Prints the token, the organisation and a
//! file of assessment ids for the load scripts. Usage:
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, n, out) = (
        &args[1],
        args[2].parse::<usize>().unwrap(),
        std::path::PathBuf::from(&args[3]),
    );
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
    let org = store
        .create_organization("Load test", &user.id)
        .await
        .unwrap();
    let documents: Vec<aimsgap_wire::assessment::Document> = EXAMPLES
        .iter()
        .map(|text| aimsgap_assess::read_document("example", text).unwrap())
        .collect();
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
        writeln!(ids, "{}", meta.id).unwrap();
    }
    std::fs::write(out.join("token.txt"), &token).unwrap();
    std::fs::write(out.join("org.txt"), &org.id).unwrap();
    eprintln!(
        "seeded {n} assessments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
