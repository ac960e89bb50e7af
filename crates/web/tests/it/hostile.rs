//! The HTTP part of the hostile-input corpus: every `tests/hostile/http/*.http` file is one
//! request, replayed against the app in-process by a signed-in owner of an organisation with
//! one assessment.
//!
//! A file is the request as it goes on the wire, written for people: comment lines first
//! (`# expect: 4xx` or `# expect: 2xx|4xx` or `# expect: 413` states what is allowed), then
//! `METHOD /path?query`, then headers, a blank line and the body. Placeholders are filled in:
//! `{session}` (the session cookie's value), `{csrf}`, `{org}`, `{assessment}`, `{user}`,
//! `{email}`, `{password}`, `{form_token}` (a visitor's double-submit token), `{repeat:N:text}`
//! (text N times, for oversized input in a small file) and `{hex:c0ff}` (raw bytes).
//!
//! Whatever the request, the server answers: never a 5xx, never a panic; an error of the JSON
//! API is the documented error body; a `Location` is always a path on this site.

use super::*;
use aimsgap_wire::api::ErrorBody;
use axum::http::HeaderValue;
use std::path::{Path, PathBuf};

/// Files that break an invariant on today's code for a reason another change of issue 11
/// fixes, with that item. They still run; their failures are printed, not counted. Remove an
/// entry once its fix is in: the file must then hold.
const KNOWN_OPEN: &[(&str, &str)] = &[];

const PASSWORD: &str = "correct horse battery";

fn corpus() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile/http");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "http"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "{} requests in {}",
        files.len(),
        folder.display()
    );
    files
}

/// What the placeholders stand for.
struct Values {
    session: String,
    csrf: String,
    org: String,
    assessment: String,
    user: String,
    email: String,
}

/// What one placeholder stands for, or `None` when the braces are not a placeholder (JSON).
fn placeholder(name: &str, values: &Values) -> Option<Vec<u8>> {
    let text = match name {
        "session" => values.session.clone(),
        "csrf" => values.csrf.clone(),
        "org" => values.org.clone(),
        "assessment" => values.assessment.clone(),
        "user" => values.user.clone(),
        "email" => url_encode(&values.email),
        "password" => url_encode(PASSWORD),
        "form_token" => FORM_TOKEN.to_string(),
        _ => {
            if let Some(spec) = name.strip_prefix("repeat:") {
                let (count, piece) = spec.split_once(':')?;
                return Some(piece.repeat(count.parse().ok()?).into_bytes());
            }
            let hex = name.strip_prefix("hex:")?;
            return (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect();
        }
    };
    Some(text.into_bytes())
}

/// Fills in the placeholders of `text` as bytes.
fn expand(text: &str, values: &Values) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let (before, from_brace) = rest.split_at(start);
        out.extend_from_slice(before.as_bytes());
        let after = &from_brace[1..];
        match after
            .find('}')
            .and_then(|end| Some((end, placeholder(&after[..end], values)?)))
        {
            Some((end, bytes)) => {
                out.extend_from_slice(&bytes);
                rest = &after[end + 1..];
            }
            None => {
                out.push(b'{');
                rest = after;
            }
        }
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

/// One request file, read: what it allows and the request to send.
struct Case {
    expect: Vec<String>,
    request: Request<Body>,
    api: bool,
}

fn read_case(text: &str, values: &Values) -> Case {
    let mut expect = vec!["2xx".to_string(), "3xx".to_string(), "4xx".to_string()];
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.peek() {
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        if let Some(classes) = comment.trim().strip_prefix("expect:") {
            expect = classes.split('|').map(|c| c.trim().to_string()).collect();
        }
        lines.next();
    }
    let rest: Vec<&str> = lines.collect();
    let rest = rest.join("\n");
    let (head, body) = rest.split_once("\n\n").unwrap_or((rest.as_str(), ""));
    let head = String::from_utf8(expand(head, values)).unwrap();
    let mut head_lines = head.lines();
    let request_line = head_lines.next().unwrap();
    let (method, uri) = request_line.split_once(' ').unwrap();
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri.trim());
    for header in head_lines.filter(|l| !l.is_empty()) {
        let (name, value) = header.split_once(':').unwrap();
        builder = builder.header(name.trim(), HeaderValue::from_str(value.trim()).unwrap());
    }
    let body = expand(body.strip_suffix('\n').unwrap_or(body), values);
    Case {
        expect,
        request: builder.body(Body::from(body)).unwrap(),
        api: uri.starts_with("/api/"),
    }
}

fn allowed(status: StatusCode, expect: &[String]) -> bool {
    expect.iter().any(|class| match class.strip_suffix("xx") {
        Some(digit) => status.as_u16() / 100 == digit.parse::<u16>().unwrap(),
        None => status.as_u16() == class.parse::<u16>().unwrap(),
    })
}

/// A redirect target that every browser resolves on this site: a path, with nothing a browser
/// strips or reads as a slash (control characters, whitespace, backslashes) that could turn it
/// into `//host`.
fn same_origin_path(location: &[u8]) -> bool {
    location.first() == Some(&b'/')
        && location.get(1) != Some(&b'/')
        && !location
            .iter()
            .any(|&b| b <= b' ' || b == 0x7f || b == b'\\')
}

/// Sends one request file; returns what broke, if anything.
async fn replay(file: &Path) -> Result<(), String> {
    let app = server().await;
    let owner = sign_up(&app, "Hostile").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let me = owner.get(&app, "/api/v1/me").await.json();
    let values = Values {
        session: owner.cookie.clone().unwrap(),
        csrf: owner.csrf.clone().unwrap(),
        org,
        assessment,
        user: owner.user_id.clone().unwrap(),
        email: me["user"]["email"].as_str().unwrap().to_string(),
    };
    let case = read_case(&std::fs::read_to_string(file).unwrap(), &values);
    let response = app.clone().oneshot(case.request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?
        .to_bytes();
    let mut problems = Vec::new();
    if status.is_server_error() {
        problems.push(format!("a server error {status}"));
    } else if !allowed(status, &case.expect) {
        problems.push(format!("{status}, expected {}", case.expect.join("|")));
    }
    if case.api && (status.is_client_error() || status.is_server_error()) {
        let json = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if !json || serde_json::from_slice::<ErrorBody>(&bytes).is_err() {
            problems.push(format!(
                "an API error that is not the error body: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            ));
        }
    }
    for location in headers.get_all(header::LOCATION) {
        if !same_origin_path(location.as_bytes()) {
            problems.push(format!(
                "Location {:?} is not a path on this site",
                String::from_utf8_lossy(location.as_bytes())
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[tokio::test]
async fn hostile_requests_hold() {
    let mut broken = Vec::new();
    for file in corpus() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        // Its own task, so that a panic in a handler is a finding named by its file.
        let path = file.clone();
        let outcome = match tokio::spawn(async move { replay(&path).await }).await {
            Ok(outcome) => outcome,
            Err(error) => Err(format!("panicked: {error}")),
        };
        let Err(problem) = outcome else {
            continue;
        };
        match KNOWN_OPEN.iter().find(|(known, _)| *known == name) {
            Some((_, item)) => eprintln!("known open ({item}): {name}: {problem}"),
            None => broken.push(format!("{name}: {problem}")),
        }
    }
    assert!(
        broken.is_empty(),
        "{} hostile requests broke an invariant:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn same_origin_paths_are_told_apart() {
    for good in ["/", "/orgs", "/assessments/1?tab=gaps", "/%2F%2Fevil.test"] {
        assert!(same_origin_path(good.as_bytes()), "{good}");
    }
    for bad in [
        "//evil.test",
        "/\\evil.test",
        "/\t/evil.test",
        "/\n/evil.test",
        "https://evil.test",
        "evil.test",
        "",
        "/ /evil.test",
    ] {
        assert!(!same_origin_path(bad.as_bytes()), "{bad:?}");
    }
}

#[test]
fn placeholders_are_filled_in() {
    let values = Values {
        session: "s".into(),
        csrf: "c".into(),
        org: "o".into(),
        assessment: "a".into(),
        user: "u".into(),
        email: "e@x".into(),
    };
    assert_eq!(
        expand(
            "{org}/{assessment} {repeat:3:ab}{hex:00ff} {\"json\": 1}",
            &values
        ),
        b"o/a ababab\x00\xff {\"json\": 1}".to_vec()
    );
    assert_eq!(expand("{email}", &values), b"e%40x".to_vec());
}
