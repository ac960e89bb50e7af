//! The quick assessment: its steps refuse incomplete answers with the message at each field
//! and keep what was entered, it asks only what applies, and `/api/v1/quick` answers the same
//! inputs as JSON (and refuses bad ones with every field named).

use super::*;

/// The names of the fields a page asks (visible inputs and selects), without repeats.
fn fields(html: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for tag in html.split('<').skip(1) {
        let is_field = tag.starts_with("input ") || tag.starts_with("select ");
        if !is_field || tag.contains("type=\"hidden\"") || tag.contains("type=\"submit\"") {
            continue;
        }
        let Some(start) = tag.find(" name=\"") else {
            continue;
        };
        let rest = &tag[start + 7..];
        let name = rest[..rest.find('"').unwrap()].to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The answers of steps 1 to 3 for an ISO/IEC 27001 organisation with one AI system in the EU
/// and Colorado.
const ISO_ORG: &str = "org_name=Acme&size=150&team=2&jur=EU&jur=US-CO&iso=certified&soc2=no&scope_ai=no&scope_shown=1&n=1&s1_name=Chatbot&s1_role=provider&s1_does=people";

async fn page(app: &Router, uri: &str) -> Reply {
    Client::default().get(app, uri).await
}

#[tokio::test]
async fn an_iso_27001_organisation_with_one_ai_system_answers_at_most_25_questions() {
    let app = server().await;
    let mut asked: Vec<String> = Vec::new();
    for uri in [
        "/quick".to_string(),
        // The certifications step, first without and then with its follow-up.
        "/quick/certifications?size=150&team=2&jur=EU&jur=US-CO".to_string(),
        "/quick/systems?size=150&team=2&jur=EU&jur=US-CO&iso=certified&soc2=no".to_string(),
        format!("/quick/systems?{ISO_ORG}"),
        format!("/quick/questions?{ISO_ORG}"),
    ] {
        let reply = page(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        for name in fields(&reply.text()) {
            if !asked.contains(&name) {
                asked.push(name);
            }
        }
    }
    assert!(asked.len() <= 25, "{} fields: {asked:?}", asked.len());
    // What applies is asked; what does not is not.
    for name in [
        "size",
        "team",
        "jur",
        "iso",
        "soc2",
        "scope_ai",
        "s1_annex3",
        "s1_decision",
    ] {
        assert!(asked.contains(&name.to_string()), "{name} asked: {asked:?}");
    }
    assert!(
        !asked.contains(&"soc2_cat".to_string()),
        "no SOC 2, no categories"
    );
    assert!(
        !asked.iter().any(|n| n.contains("market")),
        "jurisdictions are asked once: {asked:?}"
    );
    for covered in ["q_audit", "q_review", "q_monitoring"] {
        assert!(
            !asked.contains(&covered.to_string()),
            "{covered} is inherited"
        );
    }
}

#[tokio::test]
async fn only_what_applies_is_asked() {
    let app = server().await;
    // SOC 2 categories only with a SOC 2 report; the scope question only with a certificate.
    let none = page(&app, "/quick/systems?size=150&team=1&iso=no&soc2=no").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(
        none.text().contains("Your AI systems"),
        "no follow-up without a certificate"
    );
    let soc2 = page(&app, "/quick/systems?size=150&team=1&iso=no&soc2=type2").await;
    assert_eq!(soc2.status, StatusCode::OK);
    let asked = fields(&soc2.text());
    assert!(
        asked.contains(&"soc2_cat".to_string()) && asked.contains(&"scope_ai".to_string()),
        "{asked:?}"
    );
    // The EU AI Act's questions only with the EU, Colorado's only with Colorado.
    let us = fields(
        &page(&app, "/quick/systems?size=150&team=1&jur=US&iso=no&soc2=no")
            .await
            .text(),
    );
    assert!(
        !us.contains(&"s1_annex3".to_string()) && !us.contains(&"s1_decision".to_string()),
        "{us:?}"
    );
    let colorado = fields(
        &page(
            &app,
            "/quick/systems?size=150&team=1&jur=US-CO&iso=no&soc2=no",
        )
        .await
        .text(),
    );
    assert!(
        colorado.contains(&"s1_decision".to_string())
            && !colorado.contains(&"s1_annex3".to_string()),
        "{colorado:?}"
    );
}

#[tokio::test]
async fn an_empty_step_comes_back_with_a_message_at_each_required_field() {
    let app = server().await;
    let reply = page(&app, "/quick/certifications?org_name=Acme+%26+Co&jur=EU").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = reply.text();
    assert!(html.contains("<h1>Your organisation</h1>"), "the same step");
    for (field, says) in [
        ("size", "Choose how many people work in your organisation"),
        (
            "team",
            "Choose how many people will work on the AI management system",
        ),
    ] {
        assert!(
            html.contains(&format!("href=\"#f-{field}\"")),
            "summary links {field}"
        );
        assert!(
            html.contains(&format!("aria-describedby=\"e-{field}\"")),
            "{field} points to its message"
        );
        assert!(
            html.contains(&format!("id=\"e-{field}\">{says}")),
            "{field}: the message sits at the field"
        );
    }
    // What was entered is kept.
    assert!(html.contains("value=\"Acme &#38; Co\""), "{html}");
    assert!(html.contains("id=\"f-jur-EU\" name=\"jur\" value=\"EU\" checked"));
    // The next steps and the result refuse it too, at the first step with a problem.
    for uri in [
        "/quick/systems",
        "/quick/questions",
        "/quick/result",
        "/quick/report/html",
    ] {
        let reply = page(&app, uri).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert!(reply.text().contains("<h1>Your organisation</h1>"), "{uri}");
    }
    // The certifications step's own questions are required once it was submitted.
    let reply = page(&app, "/quick/systems?size=150&team=1").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = reply.text();
    assert!(html.contains("<h1>What you already hold</h1>"));
    assert!(html.contains("href=\"#f-iso\"") && html.contains("href=\"#f-soc2\""));
    // The scope question, once shown, is required too.
    let reply = page(
        &app,
        "/quick/systems?size=150&team=1&iso=certified&soc2=no&scope_shown=1",
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("id=\"e-scope-ai\">Say whether the certified scope")
    );
}

#[tokio::test]
async fn a_nameless_ai_system_comes_back_with_its_fields_kept() {
    let app = server().await;
    let steps = "size=150&team=1&jur=EU&iso=no&soc2=no";
    let reply = page(
        &app,
        &format!(
            "/quick/questions?{steps}&n=2&s1_name=Chatbot&s1_role=provider&s2_role=deployer&s2_does=content&s2_annex3=employment"
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = reply.text();
    assert!(html.contains("<h1>Your AI systems</h1>"));
    assert!(html.contains("href=\"#f-s2-name\""));
    assert!(html.contains("id=\"e-s2-name\">Give AI system 2 a name, or remove it"));
    assert!(html.contains("aria-describedby=\"e-s2-name\""));
    // Nothing of the nameless system was dropped.
    assert!(html.contains("id=\"f-s2-role-deployer\" name=\"s2_role\" value=\"deployer\" checked"));
    assert!(html.contains("value=\"content\" checked"));
    assert!(html.contains("<option value=\"employment\" selected>"));
    assert!(html.contains("value=\"Chatbot\""));

    // A named system without a role.
    let reply = page(
        &app,
        &format!("/quick/questions?{steps}&n=1&s1_name=Chatbot"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("id=\"e-s1-role\">Choose whether you build")
    );

    // No system at all.
    let reply = page(&app, &format!("/quick/questions?{steps}&n=1")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("Name at least one AI system"));
}

/// The overall readiness (point) of the quick assessment's JSON result.
fn overall(reply: &Reply) -> f64 {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["readiness"]["overall"]["point"]
        .as_f64()
        .unwrap()
}

fn request(reply: &str) -> Value {
    let replies: serde_json::Map<String, Value> = [
        "scope",
        "policy",
        "risk",
        "treatment",
        "impact",
        "objectives",
        "audit",
        "review",
        "context",
        "leadership",
        "support",
        "lifecycle",
        "data",
        "users",
        "suppliers",
        "monitoring",
    ]
    .iter()
    .map(|id| (id.to_string(), json!(reply)))
    .collect();
    json!({
        "organization": {"name": "Acme Cloud", "employees": 150, "team_fte": 2.0, "jurisdictions": ["EU", "US-CO"]},
        "certifications": {"iso27001": "certified", "scope_covers_ai": true},
        "ai_systems": [{"name": "Support chatbot", "role": "provider", "interacts_with_people": true, "generates_content": true}],
        "replies": replies,
    })
}

#[tokio::test]
async fn the_api_orders_no_below_partly_below_yes() {
    let app = server().await;
    let anonymous = Client::default();
    let no = overall(&anonymous.post(&app, "/api/v1/quick", request("no")).await);
    let partly = overall(
        &anonymous
            .post(&app, "/api/v1/quick", request("partly"))
            .await,
    );
    let yes = overall(&anonymous.post(&app, "/api/v1/quick", request("yes")).await);
    assert!(
        no < partly && partly < yes,
        "no {no}, partly {partly}, yes {yes}"
    );
    let reply = anonymous.post(&app, "/api/v1/quick", request("yes")).await;
    let result = reply.json();
    assert_eq!(result["schema"], "aimsgap/assessment-result/2");
    assert_eq!(result["organization"], "Acme Cloud");
    // Every requirement is in the result, and the answered ones carry the replies.
    assert!(result["requirements"].as_array().unwrap().len() > 100);
    // Nothing was stored: the same call again gives the same bytes.
    let again = anonymous.post(&app, "/api/v1/quick", request("yes")).await;
    assert_eq!(reply.bytes, again.bytes);
}

#[tokio::test]
async fn the_api_refuses_bad_answers_naming_every_field() {
    let app = server().await;
    let anonymous = Client::default();
    let bad = json!({
        "organization": {"employees": 0, "team_fte": 2.0, "jurisdictions": ["EU", "Mars"]},
        "certifications": {"soc2_categories": ["privacy"]},
        "ai_systems": [
            {"name": "", "role": "king"},
            {"name": "Bot", "role": "deployer", "annex_iii_area": "astrology"}
        ],
        "replies": {"policy": "yes", "9.9": "yes"}
    });
    let message = anonymous.post(&app, "/api/v1/quick", bad).await.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "",
    );
    for says in [
        "field `organization.employees`: 0: expected 1 to",
        "field `organization.jurisdictions[1]`: unknown jurisdiction `Mars`",
        "field `certifications.soc2_categories`: given without a SOC 2 report",
        "field `ai_systems[0].name`: expected a name",
        "field `ai_systems[0].role`: unknown role `king`: expected provider or deployer",
        "field `ai_systems[1].annex_iii_area`: unknown Annex III area `astrology`",
        "field `replies.9.9`: unknown question `9.9`",
    ] {
        assert!(message.contains(says), "lacks {says:?}: {message}");
    }
    assert_eq!(message.lines().count(), 7, "one line per field: {message}");
    // A misspelt field is refused, not ignored; a wrong type names its field.
    let typo = json!({"organization": {"employees": 10, "team": 2.0}, "ai_systems": []});
    anonymous.post(&app, "/api/v1/quick", typo).await.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "unknown field `team`",
    );
    let reply = json!({"organization": {"employees": 10, "team_fte": 1.0},
        "ai_systems": [{"name": "Bot", "role": "provider"}], "replies": {"policy": "maybe"}});
    anonymous.post(&app, "/api/v1/quick", reply).await.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "field `replies.policy`",
    );
    let many = json!({"organization": {"employees": 10, "team_fte": 1.0},
        "ai_systems": [{"name": "A", "role": "provider"}, {"name": "B", "role": "provider"},
            {"name": "C", "role": "provider"}, {"name": "D", "role": "provider"}]});
    anonymous.post(&app, "/api/v1/quick", many).await.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "4 AI systems: a quick assessment takes at most 3",
    );
}

#[tokio::test]
async fn the_api_lists_the_questions_and_what_a_certificate_covers() {
    let app = server().await;
    let anonymous = Client::default();
    let bare = anonymous.get(&app, "/api/v1/quick").await;
    assert_eq!(bare.status, StatusCode::OK);
    let bare = bare.json();
    let questions = bare["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 16);
    assert!(
        questions
            .iter()
            .all(|q| q["asked"] == true && q["inherited"].is_null())
    );
    assert!(
        bare["annex_iii_areas"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "employment")
    );
    assert!(
        bare["jurisdictions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == "US-CO")
    );
    let iso = anonymous
        .get(
            &app,
            "/api/v1/quick?iso27001=certified&scope_covers_ai=false",
        )
        .await
        .json();
    let audit = iso["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "audit")
        .unwrap()
        .clone();
    assert_eq!(audit["asked"], false);
    assert_eq!(audit["blocker"], true);
    assert!(audit["inherited"].as_f64().unwrap() > 0.15, "{audit}");
    anonymous
        .get(&app, "/api/v1/quick?iso=certified")
        .await
        .error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "field `iso`: unknown parameter",
        );
}

#[tokio::test]
async fn the_page_and_the_api_compute_the_same_result() {
    let app = server().await;
    let anonymous = Client::default();
    let api = anonymous
        .post(
            &app,
            "/api/v1/quick",
            json!({
                "organization": {"name": "Acme", "employees": 150, "team_fte": 2.0, "jurisdictions": ["EU", "US-CO"]},
                "certifications": {"iso27001": "certified", "scope_covers_ai": false},
                "ai_systems": [{"name": "Chatbot", "role": "provider", "interacts_with_people": true}],
                "replies": {"policy": "partly", "risk": "yes"}
            }),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let page = page(
        &app,
        &format!("/quick/report/json?{ISO_ORG}&q_policy=partly&q_risk=yes"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert_eq!(api.bytes, page.bytes, "the same answers, the same result");
}

/// The ids of the EU AI Act obligations of the first AI system in a result.
fn eu_obligations(result: &Value) -> Vec<String> {
    result["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["law"] == "eu-ai-act")
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_annex_iii_point_follows_the_area_and_decides_the_fria() {
    let app = server().await;
    let anonymous = Client::default();
    // The systems step asks for the area or one of its use cases in one question.
    let step = page(
        &app,
        "/quick/systems?org_name=Bank&size=150&team=2&jur=EU&iso=no&soc2=no&n=1",
    )
    .await;
    let html = step.text();
    assert!(
        !fields(&html).contains(&"s1_point".to_string()),
        "no extra question"
    );
    for option in [
        "value=\"essential_services\"",
        "value=\"5(b)\"",
        "value=\"5(c)\"",
        "value=\"critical_infrastructure\"",
    ] {
        assert!(html.contains(option), "{option}");
    }
    // Critical infrastructure has one point only: the area says it all.
    assert!(!html.contains("Critical infrastructure: not sure which use case"));
    assert!(html.contains("management and access to self-employment: 4(a) Recruitment"));

    let bank = |point: Option<&str>| {
        let mut system = json!({"name": "Credit scoring", "role": "deployer", "annex_iii_area": "essential_services"});
        if let Some(point) = point {
            system["annex_iii_point"] = json!(point);
        }
        json!({
            "organization": {"name": "Bank", "employees": 150, "team_fte": 2.0, "jurisdictions": ["EU"]},
            "certifications": {},
            "ai_systems": [system],
            "replies": {}
        })
    };
    let scoring = anonymous
        .post(&app, "/api/v1/quick", bank(Some("5(b)")))
        .await;
    assert_eq!(scoring.status, StatusCode::OK, "{}", scoring.text());
    assert!(eu_obligations(&scoring.json()).contains(&"art-27-credit".to_string()));
    let triage = anonymous
        .post(&app, "/api/v1/quick", bank(Some("5(d)")))
        .await;
    assert!(!eu_obligations(&triage.json()).contains(&"art-27-credit".to_string()));
    // The page carries the point to the result like the API.
    let form = page(
        &app,
        "/quick/report/json?org_name=Bank&size=150&team=2&jur=EU&iso=no&soc2=no&n=1&s1_name=Credit+scoring&s1_role=deployer&s1_annex3=5%28d%29",
    )
    .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    assert_eq!(eu_obligations(&form.json()), eu_obligations(&triage.json()));
    // A point of another area is refused at its field.
    let wrong = anonymous
        .post(&app, "/api/v1/quick", bank(Some("4(a)")))
        .await;
    wrong.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "field `ai_systems[0].annex_iii_point`: Annex III point `4(a)` belongs to area `employment`",
    );
    let questions = anonymous.get(&app, "/api/v1/quick").await.json();
    assert!(
        questions["annex_iii_points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "5(c)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_quick_assessments_is_computed_by_a_bounded_pool_and_the_rest_get_503() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = aimsgap_web::AppState::new(
        store,
        catalog(),
        aimsgap_web::Config {
            rendering_threads: 1,
            rendering_queue: 1,
            ..aimsgap_web::Config::default()
        },
    );
    let app = aimsgap_web::app(state.clone());
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                Client::default()
                    .post(&app, "/api/v1/quick", request("yes"))
                    .await
            } else {
                Client::default()
                    .get(&app, &format!("/quick/result?{ISO_ORG}&q_policy=yes"))
                    .await
            }
        }));
    }
    // Meanwhile the server answers everything else.
    let health = Client::default().get(&app, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let (mut done, mut busy) = (0, 0);
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::OK => done += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(reply.headers.contains_key(header::RETRY_AFTER));
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text()),
        }
    }
    assert!(done >= 1 && busy >= 1, "done {done}, busy {busy}");
    assert_eq!(state.rendering.peak(), 1, "more at once than threads");
}

/// Texas, Illinois, New York City and South Korea are offered, the consequential-decision
/// question follows the laws that read it, and the result carries their obligations.
#[tokio::test]
async fn the_quick_assessment_offers_the_new_jurisdictions_and_dates_their_duties() {
    let app = server().await;
    let anonymous = Client::default();
    let bare = anonymous.get(&app, "/api/v1/quick").await.json();
    let offered: Vec<&str> = bare["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    for code in ["US-TX", "US-IL", "US-NY-NYC", "KR"] {
        assert!(offered.contains(&code), "{code} not in {offered:?}");
    }
    for (place, asked) in [
        ("US-IL", true),
        ("US-NY-NYC", true),
        ("KR", true),
        ("US-TX", false),
    ] {
        let step = fields(
            &page(
                &app,
                &format!("/quick/systems?size=150&team=1&jur={place}&iso=no&soc2=no"),
            )
            .await
            .text(),
        );
        assert_eq!(
            step.contains(&"s1_decision".to_string()),
            asked,
            "{place}: {step:?}"
        );
    }
    let request = json!({
        "organization": {"name": "Hire Co", "employees": 150, "team_fte": 1.0, "jurisdictions": ["US-NY-NYC", "KR"]},
        "certifications": {},
        "ai_systems": [{"name": "CV screener", "role": "deployer", "consequential_decision": "employment"}],
        "replies": {},
    });
    let result = anonymous.post(&app, "/api/v1/quick", request).await.json();
    let of = |law: &str| {
        result["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["law"] == law)
            .cloned()
            .unwrap_or_else(|| panic!("{law} missing"))
    };
    let nyc = of("nyc-ll144");
    assert_eq!(nyc["classification"], "consequential_decision");
    assert_eq!(nyc["items"][0]["id"], "ll144-20-871-a-1-bias-audit");
    assert_eq!(nyc["items"][0]["applies_from"], "2023-07-05");
    let korea = of("korea-ai-basic-act");
    assert_eq!(korea["classification"], "high_impact");
    assert_eq!(of("texas-traiga")["classification"], "not_in_scope");
}
