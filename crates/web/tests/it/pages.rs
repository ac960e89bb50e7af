//! The HTML pages: every page answers with its key content, the quick assessment runs end to
//! end as a browser would (following each form's action and hidden fields), the workspace's
//! forms save with CSRF and versions, and every page passes a structural accessibility check.

use super::*;

// ---- a browser's view of a page ----------------------------------------------------------

/// Every tag `<name ...>` of a page, as written.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        if after.starts_with([' ', '>', '\n']) {
            let end = after.find('>').unwrap();
            found.push(&rest[start..start + open.len() + end + 1]);
        }
        rest = &rest[start + open.len()..];
    }
    found
}

/// An attribute of a tag, unescaped for the few entities the pages write (named, or numeric
/// as the template engine writes them).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')?;
    Some(
        tag[start..start + end]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&#60;", "<")
            .replace("&gt;", ">")
            .replace("&#62;", ">")
            .replace("&amp;", "&")
            .replace("&#38;", "&"),
    )
}

/// The form of a page whose action starts with `action`: its action, method and the fields a
/// browser would send as they stand (hidden fields, filled text, checked boxes, selected
/// options).
fn form_of(html: &str, action: &str) -> (String, Vec<(String, String)>) {
    let start = html
        .find(&format!("action=\"{action}"))
        .unwrap_or_else(|| panic!("no form to {action}"));
    let form_start = html[..start].rfind("<form").unwrap();
    let form_end = form_start + html[form_start..].find("</form>").unwrap();
    let form = &html[form_start..form_end];
    let action = attr(tags(form, "form")[0], "action").unwrap();
    let mut fields = Vec::new();
    for input in tags(form, "input") {
        let kind = attr(input, "type").unwrap_or_default();
        let (Some(name), value) = (attr(input, "name"), attr(input, "value")) else {
            continue;
        };
        let keep = match kind.as_str() {
            "radio" | "checkbox" => input.contains(" checked"),
            "submit" | "button" => false,
            _ => true,
        };
        if keep {
            fields.push((name, value.unwrap_or_default()));
        }
    }
    (action, fields)
}

/// The query string a GET form sends.
fn query(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn set(fields: &mut Vec<(String, String)>, name: &str, values: &[&str]) {
    fields.retain(|(k, _)| k != name);
    for value in values {
        fields.push((name.to_string(), value.to_string()));
    }
}

/// The names of the questions a page asks (visible fields), without repeats.
fn asked(html: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for kind in ["input", "select", "textarea"] {
        for tag in tags(html, kind) {
            let input_type = attr(tag, "type").unwrap_or_default();
            if matches!(input_type.as_str(), "hidden" | "submit") {
                continue;
            }
            if let Some(name) = attr(tag, "name")
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
    }
    names
}

/// The structural accessibility check every page must pass.
pub(crate) fn accessible(uri: &str, html: &str) {
    assert!(html.contains("<html lang=\"en\""), "{uri}: <html lang>");
    assert!(html.contains("<title>"), "{uri}: <title>");
    assert!(
        html.contains("name=\"viewport\""),
        "{uri}: viewport for phones"
    );
    let mut ids = Vec::new();
    for kind in [
        "input", "select", "textarea", "button", "a", "div", "h2", "svg", "title",
    ] {
        for tag in tags(html, kind) {
            if let Some(id) = attr(tag, "id") {
                assert!(!ids.contains(&id), "{uri}: duplicate id {id}");
                ids.push(id);
            }
        }
    }
    let labels: Vec<String> = tags(html, "label")
        .iter()
        .filter_map(|l| attr(l, "for"))
        .collect();
    for kind in ["input", "select", "textarea"] {
        for tag in tags(html, kind) {
            let input_type = attr(tag, "type").unwrap_or_default();
            if matches!(input_type.as_str(), "hidden" | "submit") {
                continue;
            }
            let labelled = attr(tag, "aria-label").is_some()
                || attr(tag, "id").is_some_and(|id| labels.contains(&id));
            assert!(labelled, "{uri}: no label for {tag}");
        }
    }
    for image in tags(html, "img") {
        assert!(attr(image, "alt").is_some(), "{uri}: {image} has no alt");
    }
    let mut levels = Vec::new();
    let bytes = html.as_bytes();
    for (i, window) in bytes.windows(3).enumerate() {
        if window[0] == b'<'
            && window[1] == b'h'
            && window[2].is_ascii_digit()
            && bytes.get(i + 3).is_some_and(|b| *b == b'>' || *b == b' ')
        {
            levels.push(window[2] - b'0');
        }
    }
    assert_eq!(
        levels.iter().filter(|l| **l == 1).count(),
        1,
        "{uri}: exactly one <h1>, levels {levels:?}"
    );
    assert_eq!(levels.first(), Some(&1), "{uri}: the first heading is <h1>");
    for pair in levels.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "{uri}: heading level skipped ({levels:?})"
        );
    }
    assert!(!html.contains("<script"), "{uri}: no script");
    assert!(
        !html.contains("src=\"http"),
        "{uri}: nothing fetched from elsewhere"
    );
    // The one resource a page loads: the stylesheet, from this site. No inline style either,
    // since the policy obeys none.
    let links = tags(html, "link");
    assert_eq!(
        links.len(),
        1,
        "{uri}: one <link>, the stylesheet: {links:?}"
    );
    assert!(
        attr(links[0], "rel").as_deref() == Some("stylesheet")
            && attr(links[0], "href").is_some_and(|href| href.starts_with("/static/app.")),
        "{uri}: {links:?}"
    );
    assert!(
        !html.contains("<style") && !html.contains(" style=\""),
        "{uri}: no inline style"
    );
}

fn cookie_value(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap()
                .split_once('=')
                .unwrap()
                .1
                .to_string()
        })
}

/// A browser without a session that keeps the cookies the pages set.
async fn visit(app: &Router, uri: &str, cookies: &str) -> Reply {
    let request = Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

async fn post_form(app: &Router, uri: &str, cookies: &str, fields: &[(String, String)]) -> Reply {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(query(fields)))
        .unwrap();
    send(app, request).await
}

// ---- the quick assessment ----------------------------------------------------------------

/// Walks the quick assessment from the landing page, as a browser submits each form.
/// Returns the result page and the query it was reached with.
async fn quick_walk(
    app: &Router,
    iso_scope: &str,
    pages: &mut Vec<(String, String)>,
) -> (Reply, String) {
    let landing = Client::default().get(app, "/").await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.text().contains("href=\"/quick\""));
    pages.push(("/".into(), landing.text()));

    let step1 = Client::default().get(app, "/quick").await;
    assert_eq!(step1.status, StatusCode::OK);
    let html = step1.text();
    pages.push(("/quick".into(), html.clone()));
    let (action, mut fields) = form_of(&html, "/quick/certifications");
    let mut questions = asked(&html);
    set(&mut fields, "org_name", &["Acme <b>Cloud</b>"]);
    set(&mut fields, "size", &["150"]);
    set(&mut fields, "team", &["2"]);
    set(&mut fields, "jur", &["EU", "US-CO"]);

    let step2 = Client::default()
        .get(app, &format!("{action}?{}", query(&fields)))
        .await;
    assert_eq!(step2.status, StatusCode::OK);
    let html = step2.text();
    pages.push(("/quick/certifications".into(), html.clone()));
    assert!(html.contains("ISO/IEC 27001"));
    let (action, mut fields) = form_of(&html, "/quick/systems");
    assert!(
        fields.contains(&("size".into(), "150".into())),
        "step 1's answers travel on: {fields:?}"
    );
    questions.extend(asked(&html));
    assert!(
        !html.contains("scope_ai") && !html.contains("soc2_cat"),
        "the follow-ups wait for a certificate"
    );
    set(&mut fields, "iso", &["certified"]);
    set(&mut fields, "soc2", &["no"]);

    // Holding a certificate, the step comes back once to ask whether its scope covers AI.
    let follow_up = Client::default()
        .get(app, &format!("{action}?{}", query(&fields)))
        .await;
    assert_eq!(follow_up.status, StatusCode::OK);
    let html = follow_up.text();
    pages.push(("/quick/systems (follow-up)".into(), html.clone()));
    assert!(html.contains("name=\"scope_ai\"") && !html.contains("soc2_cat"));
    let (action, mut fields) = form_of(&html, "/quick/systems");
    questions.extend(asked(&html));
    set(&mut fields, "scope_ai", &[iso_scope]);

    let step3 = Client::default()
        .get(app, &format!("{action}?{}", query(&fields)))
        .await;
    assert_eq!(step3.status, StatusCode::OK);
    let html = step3.text();
    pages.push(("/quick/systems".into(), html.clone()));
    assert!(
        html.contains("Employment"),
        "Annex III areas from the catalog"
    );
    let (action, mut fields) = form_of(&html, "/quick/questions");
    questions.extend(asked(&html));
    set(
        &mut fields,
        "s1_name",
        &["CV screening <script>alert(1)</script>"],
    );
    set(&mut fields, "s1_role", &["deployer"]);
    set(&mut fields, "s1_does", &["people"]);
    set(&mut fields, "s1_annex3", &["employment"]);
    set(&mut fields, "s1_decision", &["employment"]);

    let step4 = Client::default()
        .get(app, &format!("{action}?{}", query(&fields)))
        .await;
    assert_eq!(step4.status, StatusCode::OK);
    let html = step4.text();
    pages.push(("/quick/questions".into(), html.clone()));
    let (action, mut fields) = form_of(&html, "/quick/result");
    let blockers = asked(&html);
    questions.extend(blockers.clone());
    questions.sort();
    questions.dedup();
    assert!(
        questions.len() <= 25,
        "an ISO 27001 organisation with one AI system answers at most 25 questions: {} {questions:?}",
        questions.len()
    );
    assert!(blockers.contains(&"q_scope".to_string()), "{blockers:?}");
    set(&mut fields, "q_scope", &["yes"]);
    set(&mut fields, "q_policy", &["partly"]);
    set(&mut fields, "q_risk", &["no"]);
    set(&mut fields, "q_impact", &["unsure"]);

    let result_query = query(&fields);
    let result = Client::default()
        .get(app, &format!("{action}?{result_query}"))
        .await;
    pages.push(("/quick/result".into(), result.text()));
    (result, result_query)
}

#[tokio::test]
async fn the_quick_assessment_runs_from_landing_to_a_saved_workspace() {
    let app = server().await;
    let mut pages = Vec::new();
    let (result, result_query) = quick_walk(&app, "no", &mut pages).await;
    assert_eq!(result.status, StatusCode::OK);
    let html = result.text();
    for needle in [
        "Your ISO/IEC 42001 readiness",
        "range ",
        "Verdict",
        "Not ready for the Stage 1 audit yet",
        "What your certifications are worth",
        "ISO/IEC 27001",
        "Top gaps and why",
        "Why: a certification blocker",
        "Next best actions",
        "Obligations of your AI systems",
        "high risk",
        "Applies from",
        "/quick/report/html?",
        "/quick/report/xlsx?",
        "Save to a workspace",
    ] {
        assert!(html.contains(needle), "result page lacks {needle:?}");
    }
    // Hostile text from the query is escaped wherever it appears.
    assert!(html.contains("Acme &#60;b&#62;Cloud&#60;/b&#62;"));
    assert!(html.contains("CV screening &#60;script&#62;"));
    assert!(!html.contains("<script>alert"));
    // ISO/IEC 27001's audit, review and improvement were not asked, whatever its scope: they
    // are listed as inherited, to verify for AI.
    assert!(html.contains("Not asked, because"));
    assert!(html.contains("inherited, verify for AI"));

    // The downloads are the same assessment's reports.
    let report = Client::default()
        .get(&app, &format!("/quick/report/html?{result_query}"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.text().contains("Acme &lt;b&gt;Cloud"));
    let xlsx = Client::default()
        .get(&app, &format!("/quick/report/xlsx?{result_query}"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));

    // Saving: the page set the visitor's form token; the post needs cookie and field alike.
    let token = cookie_value(&result, "aimsgap_form").expect("the result page sets a form token");
    let (action, mut fields) = form_of(&html, "/quick/save");
    assert_eq!(action, "/quick/save");
    assert!(fields.contains(&("form_token".into(), token.clone())));
    set(&mut fields, "name", &["Quinn"]);
    set(&mut fields, "email", &["quinn@example.test"]);
    set(&mut fields, "password", &["correct horse battery"]);
    let forged = post_form(&app, &action, "", &fields).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no cookie, no save");
    let short = {
        let mut weak = fields.clone();
        set(&mut weak, "password", &["short"]);
        post_form(&app, &action, &format!("aimsgap_form={token}"), &weak).await
    };
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.text().contains("at least 10 characters"));
    assert!(
        short.text().contains("Password: ") && !short.text().contains("`password`"),
        "a sentence naming the form's field, not the API's wording"
    );
    assert!(
        short.text().contains("quinn@example.test"),
        "keeps what was typed"
    );
    let saved = post_form(&app, &action, &format!("aimsgap_form={token}"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let location = saved.location();
    assert!(location.starts_with("/assessments/"), "{location}");
    let session = cookie_value(&saved, "aimsgap_session").expect("signed in");
    let page = visit(&app, &location, &format!("aimsgap_session={session}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Quick assessment "));
    assert!(page.text().contains("Acme &#60;b&#62;Cloud&#60;/b&#62;"));

    // The stored assessment gives the readiness the quick result showed.
    let id = location.trim_start_matches("/assessments/");
    let user = Client {
        cookie: Some(session),
        ..Client::default()
    };
    let stored = user
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await
        .json();
    let point = stored["readiness"]["overall"]["point"].as_f64().unwrap();
    assert!(
        html.contains(&format!("<div class=\"big\">{point:.0}<")),
        "quick readiness {point:.0} shown"
    );
    let exported = user
        .get(&app, &format!("/api/v1/assessments/{id}/export"))
        .await
        .json();
    assert_eq!(exported["answers"]["4.3"]["status"], "implemented");
    assert_eq!(exported["answers"]["5.2"]["status"], "partial");
    assert_eq!(exported["answers"]["6.1.2"]["status"], "not_implemented");
    assert!(
        exported["answers"].get("6.1.4").is_none(),
        "not sure is no answer"
    );
    assert_eq!(exported["ai_systems"][0]["annex_iii_area"], "employment");

    for (uri, html) in &pages {
        accessible(uri, html);
    }
}

#[tokio::test]
async fn a_certificate_leaves_what_it_covers_unasked_and_marked_inherited() {
    let app = server().await;
    let mut pages = Vec::new();
    let (result, _) = quick_walk(&app, "yes", &mut pages).await;
    assert_eq!(result.status, StatusCode::OK);
    let step4 = &pages
        .iter()
        .find(|(u, _)| u == "/quick/questions")
        .unwrap()
        .1;
    let questions: Vec<String> = asked(step4)
        .into_iter()
        .filter(|n| n.starts_with("q_"))
        .collect();
    assert!(
        !questions.contains(&"q_audit".to_string()) && questions.contains(&"q_policy".to_string()),
        "{questions:?}"
    );
    assert!(step4.contains("not asked here") && step4.contains("inherited, verify for AI"));
    assert!(result.text().contains("Not asked, because"));
    // Without any certificate, every question is asked.
    let bare = Client::default()
        .get(
            &app,
            "/quick/questions?size=150&team=1&iso=no&soc2=no&n=1&s1_name=A&s1_role=provider",
        )
        .await;
    assert_eq!(bare.status, StatusCode::OK);
    assert_eq!(
        asked(&bare.text())
            .iter()
            .filter(|n| n.starts_with("q_"))
            .count(),
        16
    );
    // Add and remove AI systems without script: the buttons submit to step 3 again.
    let two = Client::default()
        .get(
            &app,
            "/quick/systems?size=150&team=1&iso=no&soc2=no&n=1&s1_name=A&n=2",
        )
        .await
        .text();
    assert!(two.contains("AI system 2") && two.contains("value=\"A\""));
    let one = Client::default()
        .get(
            &app,
            "/quick/systems?size=150&team=1&iso=no&soc2=no&n=2&s1_name=A&s2_name=B&remove=1",
        )
        .await
        .text();
    assert!(!one.contains("AI system 2") && one.contains("value=\"B\""));
}

// ---- accounts ----------------------------------------------------------------------------

#[tokio::test]
async fn sign_up_in_and_out_with_forms_protected_without_a_session() {
    let app = server().await;
    let form = Client::default().get(&app, "/signup?next=/orgs").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = cookie_value(&form, "aimsgap_form").unwrap();
    let cookie = format!("aimsgap_form={token}");
    let (action, mut fields) = form_of(&form.text(), "/signup");
    set(&mut fields, "name", &["Ada"]);
    set(&mut fields, "email", &["ada@example.test"]);
    set(&mut fields, "password", &["correct horse battery"]);
    // Without the cookie, with another token, or from another site: refused.
    assert_eq!(
        post_form(&app, &action, "", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(
            &app,
            &action,
            &format!("aimsgap_form={}", "f".repeat(64)),
            &fields
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let cross = Request::builder()
        .method(Method::POST)
        .uri("/signup")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(query(&fields)))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(cross).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let created = post_form(&app, &action, &cookie, &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(created.location(), "/orgs");
    assert!(cookie_value(&created, "aimsgap_session").is_some());
    let again = post_form(&app, &action, &cookie, &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.text().contains("already exists"));

    let signin = Client::default().get(&app, "/signin").await;
    let token = cookie_value(&signin, "aimsgap_form").unwrap();
    let cookie = format!("aimsgap_form={token}");
    let (action, mut fields) = form_of(&signin.text(), "/signin");
    set(&mut fields, "email", &["ada@example.test"]);
    set(&mut fields, "password", &["wrong password!"]);
    let wrong = post_form(&app, &action, &cookie, &fields).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("Wrong e-mail address or password"));
    set(&mut fields, "password", &["correct horse battery"]);
    set(&mut fields, "next", &["//evil.example/"]);
    let ok = post_form(&app, &action, &cookie, &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/orgs", "no open redirect");
    let session = cookie_value(&ok, "aimsgap_session").unwrap();

    let orgs = visit(&app, "/orgs", &format!("aimsgap_session={session}")).await;
    assert_eq!(orgs.status, StatusCode::OK);
    let (action, fields) = form_of(&orgs.text(), "/signout");
    let out = post_form(
        &app,
        &action,
        &format!("aimsgap_session={session}"),
        &fields,
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = visit(&app, "/orgs", &format!("aimsgap_session={session}")).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(after.text().contains("/signin?next=%2Forgs"));
}

// ---- the workspace -----------------------------------------------------------------------

#[tokio::test]
async fn workspace_pages_for_owner_viewer_outsider_and_visitor() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let mut pages: Vec<(String, String)> = Vec::new();

    let orgs = owner.get(&app, "/orgs").await;
    assert_eq!(orgs.status, StatusCode::OK);
    assert!(orgs.text().contains(&format!("/orgs/{org}")));
    pages.push(("/orgs".into(), orgs.text()));
    let created = owner.form(&app, "/orgs", &[("name", "Beta <i>")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let beta = owner.get(&app, &created.location()).await.text();
    assert!(beta.contains("Beta &#60;i&#62;"));

    let org_page = owner.get(&app, &format!("/orgs/{org}")).await;
    assert_eq!(org_page.status, StatusCode::OK);
    let html = org_page.text();
    assert!(html.contains("Import an assessment file") && html.contains("Invite someone"));
    assert!(html.contains(&format!("/assessments/{id}")));
    pages.push(("/orgs/{org}".into(), html));

    // Invite a viewer: the page shows the one-time link once.
    let invited = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED);
    let html = invited.text();
    pages.push(("/orgs/{org}/invitations".into(), html.clone()));
    let start = html.find("/invitations/").unwrap();
    let link: String = html[start..].chars().take_while(|c| *c != '<').collect();
    let viewer = sign_up(&app, "Viewer").await;
    let invitation = viewer.get(&app, &link).await;
    assert_eq!(invitation.status, StatusCode::OK);
    pages.push(("/invitations/{token}".into(), invitation.text()));
    let joined = viewer.form(&app, &link, &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    assert_eq!(joined.location(), format!("/orgs/{org}"));
    let used = sign_up(&app, "Late").await.form(&app, &link, &[]).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND, "one use");

    // Every assessment page, for the owner.
    let base = format!("/assessments/{id}");
    owner
        .post(&app, &format!("/api/v1{base}/runs"), json!({}))
        .await;
    let saved = owner.form(&app, &format!("{base}/runs"), &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    for (uri, needles) in [
        (
            base.clone(),
            vec![
                "Acme",
                "Readiness",
                "Verdict",
                "6.1.3.f",
                "<svg",
                "Download reports",
                "/reports/xlsx",
            ],
        ),
        (format!("{base}?show=open"), vec!["Only those not met"]),
        (
            format!("{base}/requirements/7.4-1"),
            vec![
                "7.4-1",
                "Save the answer",
                "name=\"version\"",
                "How this was derived",
            ],
        ),
        (
            format!("{base}/requirements/4.3"),
            vec!["4.3-1", "applies to each requirement beneath it"],
        ),
        (
            format!("{base}/systems"),
            vec!["Customer support assistant", "transparency", "EU AI Act"],
        ),
        (format!("{base}/history"), vec!["imported the assessment"]),
        (
            format!("{base}/runs"),
            vec!["Save a run now", "Compare two runs"],
        ),
        (
            format!("{base}/runs/compare"),
            vec!["Earlier run", "Later run"],
        ),
        (
            format!("{base}/soa"),
            vec!["A.2.2", "Statement of Applicability"],
        ),
        (
            format!("{base}/roadmap"),
            vec!["<svg", "Stage 1 audit", "person-days"],
        ),
    ] {
        let reply = owner.get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let html = reply.text();
        for needle in needles {
            assert!(html.contains(needle), "{uri} lacks {needle:?}");
        }
        pages.push((uri, html));
    }
    let runs = owner.get(&app, &format!("/api/v1{base}/runs")).await.json();
    let (new_run, old_run) = (
        runs["runs"][0]["id"].as_str().unwrap(),
        runs["runs"][1]["id"].as_str().unwrap(),
    );
    let compared = owner
        .get(
            &app,
            &format!("{base}/runs/compare?old={old_run}&new={new_run}"),
        )
        .await;
    assert_eq!(compared.status, StatusCode::OK);
    assert!(compared.text().contains("Requirements that moved"));
    pages.push(("/runs/compare?old&new".into(), compared.text()));
    assert_eq!(
        owner
            .get(&app, &format!("{base}/requirements/9.9.9"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // An id of format 1 that no longer exists leads to its requirement under today's id; one
    // that is also today's id (6.1.3.d, now the controls beyond Annex A) is today's requirement.
    let old = owner.get(&app, &format!("{base}/requirements/4.1.a")).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert_eq!(
        old.headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{base}/requirements/4.1-1").as_str())
    );
    let current = owner
        .get(&app, &format!("{base}/requirements/6.1.3.d"))
        .await;
    assert_eq!(current.status, StatusCode::OK);
    assert!(current.text().contains("beyond those in Annex A"));

    // The viewer reads without any form that changes something; a forced post is refused.
    for uri in [
        base.clone(),
        format!("{base}/requirements/7.4-1"),
        format!("{base}/runs"),
    ] {
        let reply = viewer.get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        let html = reply.text();
        let posts: Vec<&str> = tags(&html, "form")
            .into_iter()
            .filter(|f| f.contains("method=\"post\"") && !f.contains("/signout"))
            .collect();
        assert!(posts.is_empty(), "{uri}: {posts:?}");
        assert!(!html.contains("/reports/xlsx"), "viewers do not download");
    }
    let forced = viewer
        .form(
            &app,
            &format!("{base}/requirements/7.4-1"),
            &[("version", "0"), ("status", "implemented")],
        )
        .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN);
    assert!(forced.text().contains("Not allowed"));
    let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
    assert!(
        auditor
            .get(&app, &base)
            .await
            .text()
            .contains("/reports/xlsx")
    );

    // A member of another organisation is refused without learning that it exists.
    let outsider = sign_up(&app, "Outsider").await;
    for uri in [
        format!("/orgs/{org}"),
        base.clone(),
        format!("{base}/requirements/7.4-1"),
        format!("{base}/soa"),
    ] {
        let reply = outsider.get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
        pages.push((format!("{uri} (outsider)"), reply.text()));
    }
    // A visitor is sent to sign in, and brought back.
    let visitor = Client::default().get(&app, &base).await;
    assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);
    assert!(
        visitor
            .text()
            .contains(&format!("/signin?next=%2Fassessments%2F{id}"))
    );
    pages.push(("visitor".into(), visitor.text()));

    // Importing a pasted file: a bad one says where, a good one lands on its page.
    let bad = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments"),
            &[
                ("name", "bad.yaml"),
                (
                    "content",
                    "aimsgap: 2\norganization: {name: X}\nanswers:\n  \"5.2\": {status: maybe}\n",
                ),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .contains("Line 4, column 19, the status of the answer to 5.2:"),
        "{}",
        bad.text()
    );
    pages.push(("import error".into(), bad.text()));
    let good = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments"),
            &[("name", "pasted"), ("content", EXAMPLE)],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert!(good.location().starts_with("/assessments/"));

    for page in ["/signup", "/signin"] {
        pages.push((page.into(), Client::default().get(&app, page).await.text()));
    }
    for (uri, html) in &pages {
        accessible(uri, html);
    }
}

#[tokio::test]
async fn answering_moves_readiness_and_a_stale_form_shows_the_conflict() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let editor = invite(&app, &owner, &org, "editor", "Editor").await;
    let uri = format!("/assessments/{id}/requirements/6.1.3.f");
    let readiness = |value: Value| value["readiness"]["overall"]["point"].as_f64().unwrap();
    let before = readiness(
        owner
            .get(&app, &format!("/api/v1/assessments/{id}/result"))
            .await
            .json(),
    );

    // Both open the form and read the same version.
    let mine = owner.get(&app, &uri).await.text();
    let theirs = editor.get(&app, &uri).await.text();
    let (action, mut fields) = form_of(&mine, &uri);
    let (_, mut their_fields) = form_of(&theirs, &uri);
    assert!(fields.iter().any(|(k, _)| k == "version"));
    assert!(fields.iter().any(|(k, _)| k == "csrf"));
    fields.retain(|(k, _)| k != "csrf");
    their_fields.retain(|(k, _)| k != "csrf");
    set(&mut fields, "status", &["implemented"]);
    set(&mut fields, "maturity", &["3"]);
    set(&mut fields, "owner", &["CISO <3"]);
    set(&mut fields, "ev0_ref", &["soa-v1.xlsx"]);
    set(&mut fields, "ev0_kind", &["approved_document"]);
    set(&mut fields, "ev0_date", &["2026-11-01"]);
    let as_pairs = |fields: &[(String, String)]| -> Vec<(String, String)> { fields.to_vec() };

    // The CSRF token must come with the form (here in the field, as a browser sends it).
    let without = Client {
        csrf: None,
        ..owner.clone()
    };
    let refused = without
        .form(
            &app,
            &action,
            &as_pairs(&fields)
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = owner.form(&app, &action, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let shown = owner.get(&app, &saved.location()).await.text();
    assert!(shown.contains("Saved."));
    assert!(shown.contains("CISO &#60;3"));
    let after = readiness(
        owner
            .get(&app, &format!("/api/v1/assessments/{id}/result"))
            .await
            .json(),
    );
    assert!(after > before, "readiness {before} -> {after}");
    let overview = owner.get(&app, &format!("/assessments/{id}")).await.text();
    assert!(overview.contains(&format!("<div class=\"big\">{after:.0}<")));

    // The editor's form still carries the old version: 409, their values kept, ours shown.
    set(&mut their_fields, "status", &["planned"]);
    set(&mut their_fields, "owner", &["Editor's pick"]);
    let pairs: Vec<(&str, &str)> = their_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let conflict = editor.form(&app, &action, &pairs).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let html = conflict.text();
    assert!(html.contains("This answer changed while you were editing"));
    assert!(html.contains("Owner saved version 2 at "));
    assert!(html.contains("implemented, maturity 3, owner CISO &#60;3; evidence soa-v1.xlsx"));
    assert!(
        html.contains("value=\"Editor&#39;s pick\""),
        "the editor's values stay"
    );
    accessible("conflict", &html);
    // Saving the conflict page's form (now with the current version) goes through.
    let (_, retry) = form_of(&html, &uri);
    let retry: Vec<(&str, &str)> = retry
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        editor.form(&app, &action, &retry).await.status,
        StatusCode::SEE_OTHER
    );

    // An invalid answer is refused with the reason, and the form keeps the input.
    let bad = owner
        .get(&app, &format!("/assessments/{id}/requirements/5.2"))
        .await
        .text();
    let (_, mut bad_fields) = form_of(&bad, &format!("/assessments/{id}/requirements/5.2"));
    bad_fields.retain(|(k, _)| k != "csrf");
    set(&mut bad_fields, "status", &["not_applicable"]);
    let pairs: Vec<(&str, &str)> = bad_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = owner
        .form(&app, &format!("/assessments/{id}/requirements/5.2"), &pairs)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Annex A controls only"));
}

#[tokio::test]
async fn the_api_still_takes_its_csrf_token_from_the_header_only() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    // A form-encoded post to the API with the token in the body is refused: only pages read
    // the field.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/logout")
        .header(
            header::COOKIE,
            format!("aimsgap_session={}", user.cookie.clone().unwrap()),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", user.csrf.clone().unwrap())))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(user.get(&app, "/api/v1/me").await.status, StatusCode::OK);
    // And a page refuses a form from another origin even with the right token.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/orgs")
        .header(
            header::COOKIE,
            format!("aimsgap_session={}", user.cookie.clone().unwrap()),
        )
        .header(header::HOST, "aimsgap.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "name=X&csrf={}",
            user.csrf.clone().unwrap()
        )))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

// ---- escaping ----------------------------------------------------------------------------

/// Text that would run script if a page wrote it raw, and break an attribute if a page wrote
/// it unquoted.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";
/// The same text as the templates write it.
const ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;";

/// An assessment file whose every free text is hostile.
fn hostile_file() -> String {
    json!({
        "aimsgap": 2,
        "as_of": "2026-11-29",
        "organization": {"name": HOSTILE, "employees": 50, "sector": HOSTILE,
            "jurisdictions": ["EU", "US-CO"], "team_fte": 1},
        "certifications": [{"framework": "iso27001", "status": "certified", "scope_covers_ai": true}],
        "ai_systems": [{"id": "hostile", "name": HOSTILE, "description": HOSTILE,
            "role": "provider", "markets": ["EU", "US-CO"], "interacts_with_natural_persons": true,
            "annex_iii_area": "employment", "consequential_decisions": ["employment"]}],
        "answers": {
            "6.1.3.f": {"status": "implemented", "maturity": 2, "owner": HOSTILE, "notes": HOSTILE,
                "evidence": [{"ref": HOSTILE, "kind": "approved_document", "date": "2026-10-01"}]},
            "A.2.2": {"status": "not_applicable", "justification": HOSTILE, "owner": HOSTILE,
                "evidence": [{"ref": HOSTILE, "kind": "operating_record"}]}
        }
    })
    .to_string()
}

fn assert_escaped(what: &str, reply: &Reply) {
    let html = reply.text();
    assert!(
        !html.contains("<script>alert(1)"),
        "{what}: the hostile text is written raw"
    );
    assert!(
        html.contains(ESCAPED),
        "{what} ({}): the hostile text is not shown escaped",
        reply.status
    );
}

#[tokio::test]
async fn text_from_every_user_field_is_escaped_on_every_page() {
    let app = server().await;
    // A user whose name and e-mail address are hostile (an address may hold these characters).
    let signup = Client::default()
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": format!("{HOSTILE}@example.test"), "name": HOSTILE,
                "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(signup.status, StatusCode::CREATED, "{}", signup.text());
    let session = cookie_value(&signup, "aimsgap_session").unwrap();
    let owner = Client {
        cookie: Some(session),
        csrf: signup.json()["csrf"].as_str().map(str::to_string),
        ..Client::default()
    };
    let org = owner
        .post(&app, "/api/v1/orgs", json!({"name": HOSTILE}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": HOSTILE, "content": hostile_file()}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text());
    let id = imported.json()["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        owner
            .post(&app, &format!("/api/v1/assessments/{id}/runs"), json!({}))
            .await;
    }
    let runs = owner
        .get(&app, &format!("/api/v1/assessments/{id}/runs"))
        .await
        .json();
    let (new_run, old_run) = (
        runs["runs"][0]["id"].as_str().unwrap().to_string(),
        runs["runs"][1]["id"].as_str().unwrap().to_string(),
    );
    // A member with the same hostile name, through an invitation.
    let invitation = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": "editor"}),
        )
        .await;
    let member = Client::default()
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": "member@example.test", "name": HOSTILE,
                "password": "correct horse battery"}),
        )
        .await;
    let member_session = cookie_value(&member, "aimsgap_session").unwrap();
    let member = Client {
        cookie: Some(member_session),
        csrf: member.json()["csrf"].as_str().map(str::to_string),
        ..Client::default()
    };
    let accept = invitation.json()["accept"].as_str().unwrap().to_string();
    assert_eq!(
        member.post(&app, &accept, json!({})).await.status,
        StatusCode::OK
    );

    // The answers of a quick assessment, every field hostile, and some made-up fields too.
    let quick = query(
        &[
            "org_name",
            "size",
            "jur",
            "iso",
            "soc2",
            "soc2_cat",
            "scope_ai",
            "n",
            "s1_name",
            "s1_role",
            "s1_market",
            "s1_people",
            "s1_annex3",
            "s1_decision",
            "q_4.3",
            HOSTILE,
        ]
        .iter()
        .map(|k| (k.to_string(), HOSTILE.to_string()))
        .collect::<Vec<_>>(),
    );
    let hostile_path = url_encode(HOSTILE);
    // An item of the evidence register with every text field hostile.
    let evidence = owner
        .form(
            &app,
            &format!("/assessments/{id}/evidence"),
            &[
                ("title", HOSTILE),
                ("kind", "approved_document"),
                ("owner", HOSTILE),
                ("approved_by", HOSTILE),
                ("links", "6.1.3.f"),
            ],
        )
        .await;
    assert_eq!(
        evidence.status,
        StatusCode::SEE_OTHER,
        "{}",
        evidence.text()
    );
    let evidence = evidence.location();
    let evidence = evidence
        .trim_end_matches("?added=1")
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mut seen = 0;
    for (spec, _) in aimsgap_web::routes() {
        if !spec.is_page() || spec.method != Method::GET || spec.path.starts_with("/static/") {
            continue;
        }
        let path = spec
            .path
            .replace("{org}", &org)
            .replace("{assessment}", &id)
            .replace("{requirement}", "6.1.3.f")
            .replace("{token}", &hostile_path)
            .replace("{system}", "hostile")
            .replace("{package}", "5.2")
            .replace("{evidence}", &evidence);
        let uri = match spec.path {
            // Downloads are the report crate's renderers, tested there.
            "/quick/report/{format}" => continue,
            // The drafts' downloads, tested with the drafts.
            "/assessments/{assessment}/drafts/{file}" => continue,
            // The gap register's downloads are read back by a CSV and an XLSX reader in
            // dashboard.rs.
            "/assessments/{assessment}/register.csv"
            | "/assessments/{assessment}/register.xlsx" => {
                continue;
            }
            // The audit log's JSON lines download is read back line by line in audit.rs.
            "/orgs/{org}/audit/export" => continue,
            // Single sign-on is not configured here; its refusal page is tried with hostile
            // text from the provider in oidc.rs.
            "/signin/oidc" | "/signin/oidc/callback" => continue,
            p if p.starts_with("/quick") => format!("{path}?{quick}"),
            "/signin" | "/signup" | "/signin/two-factor" => format!("{path}?next=/{hostile_path}"),
            "/assessments/{assessment}" => format!("{path}?show={hostile_path}"),
            "/assessments/{assessment}/runs/compare" => {
                format!("{path}?old={old_run}&new={new_run}")
            }
            _ => path,
        };
        // Signed in, every page shows the user's name; the quick assessment and the forms of
        // a visitor show what the query brought.
        // The quick assessment's later steps refuse the hostile answers of earlier ones with
        // the form of that step again (422), showing them escaped.
        let expected = if spec.path.starts_with("/quick/") {
            StatusCode::UNPROCESSABLE_ENTITY
        } else if spec.path == "/invitations/{token}" || spec.path == "/password/reset/{token}" {
            // No invitation and no reset link has this token: the page that says the link
            // cannot be used.
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        let signed = owner.get(&app, &uri).await;
        assert_eq!(signed.status, expected, "{uri}");
        assert_escaped(&uri, &signed);
        // The landing and frameworks pages show a visitor nothing the query brought.
        // Nor do the password reset pages, which take nothing from the query.
        let nothing_from_the_query = matches!(
            spec.path,
            "/" | "/frameworks"
                | "/password/forgot"
                | "/password/reset/{token}"
                | "/password/changed"
        );
        if spec.access == aimsgap_web::Access::Public && !nothing_from_the_query {
            let visitor = Client::default().get(&app, &uri).await;
            assert_eq!(visitor.status, expected, "{uri}");
            assert_escaped(&format!("{uri} (visitor)"), &visitor);
        }
        seen += 1;
    }
    assert!(seen >= 18, "every page route was fetched: {seen}");

    // Pages that forms show again: the invitation link, a refused import, a refused sign-up,
    // a used invitation, the quick result's refused save, the comparison form.
    let invited = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED);
    assert_escaped("invitation created", &invited);
    let import = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments"),
            &[("name", HOSTILE), ("content", HOSTILE)],
        )
        .await;
    assert!(import.status.is_client_error(), "{}", import.status);
    assert_escaped("import refused", &import);
    let refused = Client::default()
        .form(
            &app,
            "/signup",
            &[
                ("name", HOSTILE),
                ("email", HOSTILE),
                ("password", "short"),
                ("next", HOSTILE),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_escaped("sign-up refused", &refused);
    let used = owner
        .form(&app, &format!("/invitations/{hostile_path}"), &[])
        .await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert_escaped("invitation not valid", &used);
    let save: Vec<(String, String)> = vec![
        ("org_name".into(), HOSTILE.into()),
        ("size".into(), "150".into()),
        ("team".into(), "1".into()),
        ("iso".into(), "no".into()),
        ("soc2".into(), "no".into()),
        ("n".into(), "1".into()),
        ("s1_name".into(), HOSTILE.into()),
        ("s1_role".into(), "provider".into()),
        ("name".into(), HOSTILE.into()),
        ("email".into(), format!("{HOSTILE}@example.test")),
        ("password".into(), "correct horse battery".into()),
    ];
    let taken = Client::default()
        .form(
            &app,
            "/quick/save",
            &save
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "the address is taken");
    assert_escaped("quick save refused", &taken);
    let conflict = owner
        .form(
            &app,
            &format!("/assessments/{id}/requirements/6.1.3.f"),
            &[("version", "0"), ("status", "planned"), ("owner", HOSTILE)],
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_escaped("answer conflict", &conflict);
}

// ---- the stylesheet ----------------------------------------------------------------------

#[tokio::test]
async fn the_stylesheet_is_served_under_its_hash_and_cached_for_a_year() {
    let app = server().await;
    let landing = Client::default().get(&app, "/").await.text();
    let link = tags(&landing, "link")[0];
    let href = attr(link, "href").unwrap();
    let hex = href
        .strip_prefix("/static/app.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap();
    assert!(
        hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{href}"
    );
    let css = Client::default().get(&app, &href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        css.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        css.bytes,
        include_bytes!("../../static/app.css"),
        "the compiled-in file"
    );
    // Its name is its content's hash: another name is not found, so no cache can keep a stale
    // stylesheet under the current name.
    let stale = Client::default()
        .get(&app, "/static/app.0123456789abcdef.css")
        .await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    // The pages are never cached; the policy takes styles from this site only.
    let page = Client::default().get(&app, "/").await;
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}

// ---- a result read in one pass -----------------------------------------------------------

/// An organisation with the hiring example imported: two AI systems, the EU AI Act and the
/// Colorado laws, obligations overdue, upcoming, in force and stayed on its as-of date.
async fn hiring_workspace(app: &Router, owner: &Client, org_name: &str) -> String {
    let org = owner
        .post(app, "/api/v1/orgs", json!({"name": org_name}))
        .await;
    assert_eq!(org.status, StatusCode::CREATED);
    let org = org.json()["id"].as_str().unwrap().to_string();
    let imported = owner
        .post(
            app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "2026", "content": include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml")}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text());
    imported.json()["id"].as_str().unwrap().to_string()
}

/// The part of a page from `from` to the next `<h2`.
fn section<'a>(html: &'a str, from: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("no {from} in the page"));
    let rest = &html[start..];
    let end = rest[1..].find("<h2").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[tokio::test]
async fn obligations_read_by_state_and_date_with_a_legend_and_plain_labels() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let id = hiring_workspace(&app, &owner, "Hirewell").await;
    for uri in [
        format!("/assessments/{id}"),
        format!("/assessments/{id}/systems"),
    ] {
        let html = owner.get(&app, &uri).await.text();
        let part = section(&html, "id=\"classification\"");
        // States in the order a reader acts on them, each explained once in the legend.
        let order: Vec<usize> = ["overdue", "upcoming", "in_force", "stayed"]
            .iter()
            .map(|state| {
                part.find(&format!("<tbody id=\"obligations-{state}\""))
                    .unwrap_or_else(|| panic!("{uri}: no {state} group"))
            })
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{uri}: {order:?}");
        let legend = &part[part.find("<dl class=\"legend\"").unwrap()..];
        let legend = &legend[..legend.find("</dl>").unwrap()];
        for (state, says) in [
            ("overdue", "still a gap or unanswered"),
            (
                "in_force",
                "none of the requirements that support it is an open gap",
            ),
            ("upcoming", "a date still to come"),
            ("stayed", "paused enforcement"),
        ] {
            assert!(
                legend.contains(&format!("o-{state}")) && legend.contains(says),
                "{uri}: the legend explains {state}: {legend}"
            );
        }
        assert!(!legend.contains("o-violation"), "only the states shown");
        // Every row starts with its state, which a phone shows as the first line.
        for row in part.split("<tr>").skip(2) {
            assert!(
                row.starts_with("<td data-label=\"State\"><span class=\"status o-"),
                "{uri}: {row}"
            );
        }
        // Dates as people say them, against the as-of date 2026-11-29.
        for when in ["in 3 days", "22 months ago", "in 12 months"] {
            assert!(part.contains(when), "{uri}: {when}");
        }
        // One line for an obligation that binds both systems in the same state.
        assert_eq!(
            part.matches("EU AI Act Art. 4(1)</strong>").count(),
            1,
            "{uri}"
        );
        assert!(
            part.contains("CV screening and ranking, Job advertisement writer"),
            "{uri}"
        );
        // Labels from the catalog, never its ids.
        assert!(
            part.contains("Employment, workers&#39; management and access to self-employment"),
            "{uri}"
        );
        assert!(
            part.contains("Colorado SB 24-205 Consumer Protections for Artificial Intelligence governs on 2026-11-29"),
            "{uri}"
        );
        for id in [
            "`employment`",
            "sb24-205 ",
            ">sb24-205",
            "cv-screening",
            "colorado-ai",
        ] {
            assert!(!part.contains(id), "{uri}: {id} shown");
        }
    }
    // A gap names its systems and obligations by their labels too.
    let overview = owner.get(&app, &format!("/assessments/{id}")).await.text();
    let gaps = section(&overview, "<h2 id=\"gaps\"");
    assert!(
        gaps.contains("concerns a high-risk AI system (CV screening and ranking)"),
        "{gaps}"
    );
    assert!(
        !gaps.contains("eu-ai-act:") && !gaps.contains("(cv-screening)"),
        "{gaps}"
    );
    let systems = owner
        .get(&app, &format!("/assessments/{id}/systems"))
        .await
        .text();
    assert!(
        systems.contains("Annex III area: Employment, workers&#39; management"),
        "the inventory names the area"
    );
}

fn disposition(reply: &Reply) -> String {
    reply.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn downloads_are_named_for_the_organisation_and_the_as_of_date() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    // From the workspace (its links are the API's report route).
    let (_, id) = org_with_assessment(&app, &owner).await;
    let overview = owner.get(&app, &format!("/assessments/{id}")).await.text();
    for (format, name) in [
        ("html", "acme-cloud-2026-11-29-aimsgap.html"),
        ("xlsx", "acme-cloud-2026-11-29-aimsgap.xlsx"),
        ("csv", "acme-cloud-2026-11-29-aimsgap-requirements.csv"),
        ("json", "acme-cloud-2026-11-29-aimsgap.json"),
        (
            "oscal",
            "acme-cloud-2026-11-29-aimsgap-assessment-results.oscal.json",
        ),
    ] {
        let link = format!("/api/v1/assessments/{id}/reports/{format}");
        assert!(overview.contains(&link), "the overview links {link}");
        let reply = owner.get(&app, &link).await;
        assert_eq!(reply.status, StatusCode::OK, "{format}");
        assert_eq!(
            disposition(&reply),
            format!("attachment; filename=\"{name}\""),
            "{format}"
        );
    }
    // A name beyond ASCII: an ASCII fallback and the name itself in `filename*`.
    let org = owner
        .post(&app, "/api/v1/orgs", json!({"name": "Zürich"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "2026", "content": EXAMPLE.replace("name: Acme Cloud", "name: Zürich Rück AG")}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text());
    let zurich = imported.json()["id"].as_str().unwrap().to_string();
    let reply = owner
        .get(&app, &format!("/api/v1/assessments/{zurich}/reports/html"))
        .await;
    assert_eq!(
        disposition(&reply),
        "attachment; filename=\"zurich-ruck-ag-2026-11-29-aimsgap.html\"; filename*=UTF-8''z%C3%BCrich-r%C3%BCck-ag-2026-11-29-aimsgap.html"
    );
    // From the quick assessment: the organisation it names and today's date.
    let (_, query) = quick_walk(&app, "no", &mut Vec::new()).await;
    let reply = Client::default()
        .get(&app, &format!("/quick/report/html?{query}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let header = disposition(&reply);
    let date = header
        .strip_prefix("attachment; filename=\"acme-b-cloud-b-")
        .and_then(|rest| rest.strip_suffix("-aimsgap.html\""))
        .unwrap_or_else(|| panic!("{header}"));
    assert!(
        aimsgap_catalog::Date::parse(date).is_ok(),
        "the as-of date: {header}"
    );
}

#[tokio::test]
async fn gaps_actions_and_roadmap_show_one_line_per_work_package() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let id = hiring_workspace(&app, &owner, "Hirewell").await;
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await
        .json();
    let packages = result["work_packages"].as_array().unwrap();
    let largest = packages
        .iter()
        .max_by_key(|p| p["requirements"].as_array().unwrap().len())
        .unwrap();
    let members: Vec<&str> = largest["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(members.len() > 1, "a package of several requirements");

    let overview = owner.get(&app, &format!("/assessments/{id}")).await.text();
    let gaps = section(&overview, "<h2 id=\"gaps\"");
    let lines = gaps.matches("\n<li><strong>").count();
    assert_eq!(
        lines,
        packages.len().min(10),
        "one line per package: {gaps}"
    );
    assert!(
        lines < result["gaps"].as_array().unwrap().len(),
        "fewer lines than gaps"
    );
    // Packages in rank order, each once.
    let mut ranked: Vec<&Value> = packages.iter().collect();
    ranked.sort_by_key(|p| p["rank"].as_u64());
    let positions: Vec<usize> = ranked
        .iter()
        .take(10)
        .map(|p| {
            let line = format!("<li><strong>{}</strong> ", p["id"].as_str().unwrap());
            assert_eq!(gaps.matches(&line).count(), 1, "{line}");
            gaps.find(&line).unwrap()
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    // A package of several requirements lists them beneath it, linked to their pages.
    if ranked.iter().take(10).any(|p| p["id"] == largest["id"]) {
        for member in &members {
            assert!(
                gaps.contains(&format!(
                    "<a href=\"/assessments/{id}/requirements/{member}\">{member}</a>"
                )),
                "{member} beneath its package"
            );
        }
    }
    // Next actions: a package is one line, whatever number of its requirements act.
    let actions = section(&overview, "<h2 id=\"actions\"");
    let mut acting: Vec<&str> = result["next_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["package"].as_str().unwrap())
        .collect();
    acting.dedup();
    acting.sort_unstable();
    acting.dedup();
    assert_eq!(
        actions.matches("\n<li><strong>").count(),
        acting.len(),
        "{actions}"
    );

    // The roadmap: one row per package, every task beneath, linked.
    let roadmap = owner
        .get(&app, &format!("/assessments/{id}/roadmap"))
        .await
        .text();
    let tasks = result["roadmap"]["tasks"].as_array().unwrap();
    let mut task_packages: Vec<&str> = tasks
        .iter()
        .map(|t| t["package"].as_str().unwrap())
        .collect();
    task_packages.sort_unstable();
    task_packages.dedup();
    let table = section(&roadmap, "<h2 id=\"packages\"");
    assert_eq!(
        table
            .matches("<tr><td data-label=\"Work package\">")
            .count(),
        task_packages.len(),
        "one row per package"
    );
    for task in tasks {
        let requirement = task["requirement"].as_str().unwrap();
        assert!(
            table.contains(&format!("/requirements/{requirement}\">{requirement}</a>")),
            "{requirement} on the roadmap"
        );
    }
}

#[tokio::test]
async fn the_overview_shows_declared_against_evidenced_and_what_to_attach() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await
        .json();
    let claims = &result["claims"];
    let html = owner.get(&app, &format!("/assessments/{id}")).await.text();
    let figure = |id: &str| -> String {
        let start = html
            .find(&format!("<span id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no #{id}"));
        let rest = &html[start..];
        rest[rest.find('>').unwrap() + 1..rest.find("</span>").unwrap()].to_string()
    };
    assert_eq!(
        figure("declared-figure"),
        format!("{:.0}", claims["declared"].as_f64().unwrap())
    );
    assert_eq!(
        figure("evidenced-figure"),
        format!("{:.0}", claims["evidenced"].as_f64().unwrap())
    );
    assert!(html.contains("if your answers hold") && html.contains("backed by evidence"));
    // What to attach: in the result's order (blockers first), each linked to its page.
    let to_attach = claims["to_attach"].as_array().unwrap();
    assert!(
        !to_attach.is_empty(),
        "the example claims more than it evidences"
    );
    let list = &html[html.find("<ol id=\"to-attach\"").unwrap()..];
    let list = &list[..list.find("</ol>").unwrap()];
    let shown: Vec<&str> = list
        .split("<li>")
        .skip(1)
        .map(|item| {
            let start = item.find("/requirements/").unwrap() + "/requirements/".len();
            &item[start..start + item[start..].find('"').unwrap()]
        })
        .collect();
    let expected: Vec<&str> = to_attach
        .iter()
        .take(10)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(shown, expected);
    let blockers: Vec<bool> = to_attach.iter().map(|a| a["blocker"] == true).collect();
    assert!(blockers.windows(2).all(|w| w[0] >= w[1]), "blockers first");
    // A requirement's basis reads in words beside its status.
    let requirements = result["requirements"].as_array().unwrap();
    let table = section(&html, "<h2 id=\"requirements\"");
    for (basis, words) in [
        ("inherited", "inherited, verify for AI"),
        ("declared", "declared, attach evidence"),
    ] {
        let requirement = requirements
            .iter()
            .find(|r| r["basis"] == basis)
            .unwrap_or_else(|| panic!("the example has a requirement {basis}"));
        let rid = requirement["id"].as_str().unwrap();
        let row = &table[table
            .find(&format!("/requirements/{rid}\">{rid}</a>"))
            .unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("<span class=\"basis\">{words}</span>")),
            "{rid}: {row}"
        );
    }
}

#[tokio::test]
async fn a_gap_a_certificate_covers_reads_inherited_verify_for_ai() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await
        .json();
    let inherited: Vec<&str> = result["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["basis"] == "inherited")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let html = owner.get(&app, &format!("/assessments/{id}")).await.text();
    let gaps = section(&html, "<h2 id=\"gaps\"");
    let mut checked = 0;
    for line in gaps.split("\n<li><strong>").skip(1) {
        let package = line.split("</strong>").next().unwrap();
        let members: Vec<&Value> = result["work_packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == package)
            .unwrap()["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        let heading = line.split("<br>").next().unwrap();
        let says = heading.contains("<span class=\"basis\">inherited, verify for AI</span>");
        let any = members
            .iter()
            .any(|m| inherited.contains(&m.as_str().unwrap()));
        assert_eq!(says, any, "{package}: {heading}");
        checked += usize::from(any);
    }
    assert!(checked > 0, "a top package the certificate reaches: {gaps}");
}
