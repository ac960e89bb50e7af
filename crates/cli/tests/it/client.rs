//! A Python client generated from the server's own OpenAPI document (`openapi-python-client`)
//! builds, and drives a real server: sign up, create an organisation, import an example
//! assessment, read its result. So the document is complete enough for a client that knows
//! nothing else. Skips with a notice without the generator; fails instead under
//! AIMSGAP_REQUIRE_ALL=1.
//!
//! The generator and the Python that runs the client are found in the virtual environment that
//! `AIMSGAP_OPENAPI_CLIENT_VENV` names (as `.ci/run` installs it), else on the PATH.

use super::browser::{Guard, free_port, require_all, wait_for_port};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The generator and the Python with the client's dependencies (httpx, attrs), if present.
fn tools() -> Option<(PathBuf, PathBuf, Option<PathBuf>)> {
    let (generator, python, bin) = match std::env::var_os("AIMSGAP_OPENAPI_CLIENT_VENV") {
        Some(venv) => {
            let bin = PathBuf::from(venv).join("bin");
            (
                bin.join("openapi-python-client"),
                bin.join("python"),
                Some(bin),
            )
        }
        None => (
            PathBuf::from("openapi-python-client"),
            PathBuf::from("python3"),
            None,
        ),
    };
    let found = Command::new(&generator)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Command::new(&python)
            .args(["-c", "import httpx, attrs"])
            .output()
            .is_ok_and(|o| o.status.success());
    if found {
        Some((generator, python, bin))
    } else {
        None
    }
}

const SMOKE: &str = r#"
import sys
sys.path.insert(0, sys.argv[1])
base, example = sys.argv[2], open(sys.argv[3]).read()
from aimsgap_api_client import AuthenticatedClient, Client
from aimsgap_api_client.api.default import (
    post_api_v1_signup, get_api_v1_me, post_api_v1_orgs, post_api_v1_tokens,
    post_api_v1_orgs_org_assessments, get_api_v1_assessments_assessment_result,
    get_api_v1_orgs_org_assessments,
)
from aimsgap_api_client.models import (
    SignupRequest, OrganizationRequest, ImportRequest, TokenRequest, Session, ErrorBody,
)

anonymous = Client(base_url=base)
signup = SignupRequest(email="client@example.test", name="Client", password="correct horse battery")
reply = post_api_v1_signup.sync_detailed(client=anonymous, body=signup)
assert reply.status_code == 201, reply.content
session = reply.parsed
assert isinstance(session, Session), session
cookie = reply.headers["set-cookie"].split(";")[0].split("=", 1)[1]
again = post_api_v1_signup.sync(client=anonymous, body=signup)
assert isinstance(again, ErrorBody) and again.error.code.value == "exists", again

browser = Client(base_url=base, cookies={"aimsgap_session": cookie},
                 headers={"X-CSRF-Token": session.csrf})
me = get_api_v1_me.sync(client=browser)
assert me.user.email == "client@example.test" and me.csrf == session.csrf, me
org = post_api_v1_orgs.sync(client=browser, body=OrganizationRequest(name="Acme"))
assert org.role.value == "owner", org
token = post_api_v1_tokens.sync(client=browser, body=TokenRequest(name="smoke"))

bot = AuthenticatedClient(base_url=base, token=token.token)
created = post_api_v1_orgs_org_assessments.sync(
    org=org.id, client=bot, body=ImportRequest(name="example", content=example))
assert created.name == "example", created
page = get_api_v1_orgs_org_assessments.sync(org=org.id, client=bot)
assert [a.id for a in page.assessments] == [created.id], page
assert getattr(page, "next_", getattr(page, "next", "absent")) is None, page
result = get_api_v1_assessments_assessment_result.sync(assessment=created.id, client=bot)
# The result is a typed model generated from the result's own schema.
assert result.schema == "aimsgap/assessment-result/2", result
overall = result.readiness.overall
assert 0 <= overall.lo <= overall.point <= overall.hi <= 100, overall
assert len(result.requirements) == 137, len(result.requirements)
print("smoke ok", overall.point)
"#;

#[test]
fn a_generated_python_client_drives_the_server() {
    let Some((generator, python, bin)) = tools() else {
        assert!(
            !require_all(),
            "openapi-python-client is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping: openapi-python-client not found");
        return;
    };
    let address = format!("127.0.0.1:{}", free_port());
    let _server = Guard(
        Command::new(env!("CARGO_BIN_EXE_aimsgap"))
            .args(["serve", "--database", "sqlite::memory:", "--bind", &address])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(&address, "the server");
    let dir = crate::fresh_dir("client");
    let package = dir.join("aimsgap_api_client");
    // The generator formats its output with ruff, which sits beside it.
    let path = match (&bin, std::env::var_os("PATH")) {
        (Some(bin), Some(path)) => {
            let mut dirs = vec![bin.clone()];
            dirs.extend(std::env::split_paths(&path));
            std::env::join_paths(dirs).unwrap()
        }
        (_, path) => path.unwrap_or_default(),
    };
    // The generator reads JSON, text and octet streams; the audit log's JSON lines export is
    // bytes to it (its documented override for media types it does not know).
    let config = dir.join("generator.yaml");
    std::fs::write(
        &config,
        "content_type_overrides:\n  application/jsonl: application/octet-stream\n",
    )
    .unwrap();
    let generated = Command::new(&generator)
        .args([
            "generate",
            "--meta",
            "none",
            "--fail-on-warning",
            "--config",
        ])
        .arg(&config)
        .arg("--url")
        .arg(format!("http://{address}/api/openapi.json"))
        .arg("--output-path")
        .arg(&package)
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}{}",
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    let example = super::root().join("examples/saas-chatbot-iso27001.yaml");
    let smoke = Command::new(&python)
        .args(["-c", SMOKE])
        .arg(&*dir)
        .arg(format!("http://{address}"))
        .arg(&example)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&smoke.stdout);
    assert!(
        smoke.status.success() && stdout.starts_with("smoke ok"),
        "{stdout}{}",
        String::from_utf8_lossy(&smoke.stderr)
    );
}
