//! The frame of every page (header, navigation, main, footer), its stylesheet, and the small
//! pieces of markup that pages share. No script, nothing fetched: the policy forbids both, and
//! nothing here needs them.

use crate::auth::Auth;
use aimsgap_assess::Status;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

/// Escapes user text for HTML.
pub fn e(text: &str) -> String {
    aimsgap_report::escape::html(text)
}

/// The stylesheet, inline because the policy allows no other. Colours meet WCAG AA: body text
/// 16:1, muted text 7.4:1, links and buttons 6.1:1 on white; status badges are white on
/// colours of at least 4.9:1. Focus is a 3px ring everywhere.
const CSS: &str = r#"
:root{--ink:#1b1f24;--muted:#4d5560;--line:#d5dae1;--soft:#f4f6f8;--accent:#1f5fa8;--accent-dark:#174a85;
--met:#1e7b34;--partial:#8a5a00;--gap:#b42318;--unknown:#5b6470;--field:#6b7480}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff;margin:0}
a{color:var(--accent);text-underline-offset:2px}a:hover{color:var(--accent-dark)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px 12px;z-index:10}.skip:focus{left:8px;top:8px}
header.top{border-bottom:1px solid var(--line);background:var(--soft)}
header.top .bar{max-width:1100px;margin:0 auto;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;justify-content:space-between}
.brand{font-weight:700;font-size:1.15rem;color:var(--ink);text-decoration:none}
nav.account ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center}
nav.account form{margin:0}
main{max-width:1100px;margin:0 auto;padding:16px 16px 64px}
h1{font-size:1.75rem;line-height:1.25;margin:.4em 0 .5em}
h2{font-size:1.3rem;margin:1.8em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
h3{font-size:1.08rem;margin:1.3em 0 .4em}
p.lead{font-size:1.12rem;max-width:46em}
.muted,.small{color:var(--muted)}.small{font-size:.9rem}
nav.crumbs ol{list-style:none;padding:0;margin:0 0 .3em;display:flex;flex-wrap:wrap;gap:4px;font-size:.92rem}
nav.crumbs li+li::before{content:"/";color:var(--muted);margin:0 6px 0 2px}
nav.tabs ul{list-style:none;padding:0;margin:.4em 0 1.2em;display:flex;gap:6px;border-bottom:1px solid var(--line);overflow-x:auto}
nav.tabs a{display:inline-block;padding:8px 12px;border-radius:6px 6px 0 0;text-decoration:none;white-space:nowrap}
nav.tabs a[aria-current]{background:var(--accent);color:#fff}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;margin:14px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--soft)}
.card .label{color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
.card .big{font-size:2rem;font-weight:700;line-height:1.15}
.notice{border-left:6px solid var(--accent);background:#eef4fb;padding:10px 14px;border-radius:4px;margin:1em 0}
.notice.bad{border-color:var(--gap);background:#fdf3f2}.notice.good{border-color:var(--met);background:#eef8f0}
.notice ul{margin:.3em 0 0;padding-left:1.2em}.notice h2{margin:.1em 0 .4em;border:none;padding:0}
.scroll{overflow-x:auto;margin:.6em 0 1.2em}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid var(--line);padding:7px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.status{display:inline-block;padding:1px 9px;border-radius:10px;font-size:.82rem;font-weight:600;color:#fff;white-space:nowrap}
.s-met{background:var(--met)}.s-partial{background:var(--partial)}.s-gap{background:var(--gap)}.s-unknown,.s-not_applicable{background:var(--unknown)}
.blocker{color:var(--gap);font-weight:700}
form.stack{max-width:40em}form.wide{max-width:56em}
.field{margin:0 0 1rem}
.field label,.field .label{display:block;font-weight:600;margin-bottom:4px}
.hint{display:block;color:var(--muted);font-size:.9rem;margin:-2px 0 6px;font-weight:400}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=number],select,textarea{font:inherit;color:inherit;padding:9px 10px;border:1px solid var(--field);border-radius:5px;background:#fff;width:100%;max-width:32em}
textarea{max-width:100%;min-height:14em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
fieldset{border:1px solid var(--line);border-radius:8px;padding:12px 14px 6px;margin:0 0 1rem;min-width:0}
legend{float:left;width:100%;font-weight:600;padding:0;margin:0 0 4px}
legend+*{clear:left}
.evidence-row{display:grid;grid-template-columns:1fr;gap:0 12px;border-top:1px solid var(--line);padding-top:10px}
@media (min-width:760px){.evidence-row{grid-template-columns:2fr 1.4fr 1fr}}
.choices{display:flex;flex-wrap:wrap;gap:2px 18px}
.choice{display:flex;align-items:center;gap:8px;min-height:44px}
.choice input{width:1.25rem;height:1.25rem;margin:0;accent-color:var(--accent)}
.choice label{font-weight:400;margin:0}
button,.button{font:inherit;font-weight:600;display:inline-block;padding:10px 18px;border-radius:6px;border:2px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;min-height:44px}
button:hover,.button:hover{background:var(--accent-dark);border-color:var(--accent-dark);color:#fff}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.link{background:none;border:none;color:var(--accent);padding:0;min-height:0;font-weight:400;text-decoration:underline}
.actions{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:1.2rem 0}
ol.steps{list-style:none;padding:0;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:6px;font-size:.9rem;counter-reset:step}
ol.steps li{counter-increment:step;padding:4px 10px;border-radius:14px;background:var(--soft);border:1px solid var(--line)}
ol.steps li::before{content:counter(step) ". "}
ol.steps li[aria-current]{background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600}
.question legend{font-size:1.02rem}
pre.explain{white-space:pre-wrap;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;font-size:.88rem;overflow-x:auto}
code{font-size:.92em;word-break:break-all}
details{margin:.4em 0}summary{cursor:pointer;color:var(--accent)}
svg{max-width:100%;height:auto}svg text{font-family:inherit}
footer.bottom{max-width:1100px;margin:0 auto;padding:16px;border-top:1px solid var(--line);color:var(--muted);font-size:.88rem}
@media (max-width:600px){h1{font-size:1.45rem}main{padding:12px 12px 48px}.card .big{font-size:1.6rem}th,td{padding:6px 5px}
nav.account ul{gap:4px 14px;font-size:.95rem}header.top .bar{padding:8px 12px}}
@media print{header.top,nav.tabs,form,.skip{display:none}}
"#;

/// One link of the breadcrumb trail.
pub type Crumb = (String, String);

/// A whole page: the frame around `content`, which starts with the page's only `<h1>`.
pub fn page(title: &str, auth: Option<&Auth>, crumbs: &[Crumb], content: &str) -> String {
    let mut html = String::with_capacity(content.len() + 8 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · aimsgap</title><style>{CSS}</style></head><body>\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header class=\"top\"><div class=\"bar\"><a class=\"brand\" href=\"/\">aimsgap</a>\
         <nav class=\"account\" aria-label=\"Account\"><ul>",
        e(title)
    );
    match auth {
        Some(auth) => {
            let _ = write!(
                html,
                "<li><a href=\"/orgs\">Your organisations</a></li><li><a href=\"/quick\">Quick assessment</a></li>\
                 <li><span class=\"muted\">{}</span></li>\
                 <li><form method=\"post\" action=\"/signout\">{}<button class=\"link\" type=\"submit\">Sign out</button></form></li>",
                e(&auth.user.name),
                csrf_field(auth)
            );
        }
        None => html.push_str(
            "<li><a href=\"/quick\">Quick assessment</a></li><li><a href=\"/signin\">Sign in</a></li><li><a href=\"/signup\">Create an account</a></li>",
        ),
    }
    html.push_str("</ul></nav></div></header><main id=\"main\">");
    if !crumbs.is_empty() {
        html.push_str("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol>");
        for (href, label) in crumbs {
            let _ = write!(html, "<li><a href=\"{}\">{}</a></li>", e(href), e(label));
        }
        html.push_str("</ol></nav>");
    }
    html.push_str(content);
    html.push_str(
        "</main><footer class=\"bottom\"><p>aimsgap measures the distance to ISO/IEC 42001 certification and to the AI laws that bind you. Credit inherited from certifications is a range to verify for the AI scope, never conformity. <a href=\"/api/docs\">API</a></p></footer></body></html>\n",
    );
    html
}

/// The hidden CSRF field of a signed-in user's form.
pub fn csrf_field(auth: &Auth) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        e(auth.csrf())
    )
}

/// An HTML response. Pages show private data, so no cache keeps them.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A redirect after a successful post (303: the browser follows it with a GET).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A status as a coloured badge with its word (colour is never the only signal).
pub fn status_badge(status: Status) -> String {
    format!(
        "<span class=\"status s-{}\">{}</span>",
        status.as_str(),
        status.as_str().replace('_', " ")
    )
}

/// A percentage of a 0..1 value.
pub fn pct(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// A labelled text-like input.
pub fn input(kind: &str, name: &str, label: &str, value: &str, extra: &str) -> String {
    format!(
        "<div class=\"field\"><label for=\"f-{id}\">{}</label><input type=\"{kind}\" id=\"f-{id}\" name=\"{}\" value=\"{}\"{extra}></div>",
        e(label),
        e(name),
        e(value),
        id = field_id(name)
    )
}

/// A labelled select; `options` are (value, text).
pub fn select(name: &str, label: &str, options: &[(String, String)], selected: &str) -> String {
    let mut html = format!(
        "<div class=\"field\"><label for=\"f-{id}\">{}</label><select id=\"f-{id}\" name=\"{}\">",
        e(label),
        e(name),
        id = field_id(name)
    );
    for (value, text) in options {
        let _ = write!(
            html,
            "<option value=\"{}\"{}>{}</option>",
            e(value),
            if value == selected { " selected" } else { "" },
            e(text)
        );
    }
    html.push_str("</select></div>");
    html
}

/// A group of radio buttons or checkboxes in a fieldset whose legend is the question.
pub fn choices(
    kind: &str,
    name: &str,
    legend: &str,
    hint: &str,
    options: &[(String, String)],
    checked: &[&str],
) -> String {
    let mut html = format!("<fieldset><legend>{}</legend>", e(legend));
    if !hint.is_empty() {
        let _ = write!(html, "<span class=\"hint\">{}</span>", e(hint));
    }
    html.push_str("<div class=\"choices\">");
    for (value, text) in options {
        let id = format!("f-{}-{}", field_id(name), field_id(value));
        let _ = write!(
            html,
            "<div class=\"choice\"><input type=\"{kind}\" id=\"{id}\" name=\"{}\" value=\"{}\"{}><label for=\"{id}\">{}</label></div>",
            e(name),
            e(value),
            if checked.contains(&value.as_str()) {
                " checked"
            } else {
                ""
            },
            e(text)
        );
    }
    html.push_str("</div></fieldset>");
    html
}

/// A hidden field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        e(name),
        e(value)
    )
}

/// An id usable in `id` and `for` from a field name or value: letters, digits and dashes.
pub fn field_id(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A table inside a scrolling region, so that wide tables never widen a phone's page.
pub fn table(label: &str, head: &[&str], rows: &str) -> String {
    let mut html = format!(
        "<div class=\"scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table><thead><tr>",
        e(label)
    );
    // A heading written "#Name" heads a column of numbers.
    for cell in head {
        match cell.strip_prefix('#') {
            Some(name) => {
                let _ = write!(html, "<th scope=\"col\" class=\"num\">{}</th>", e(name));
            }
            None => {
                let _ = write!(html, "<th scope=\"col\">{}</th>", e(cell));
            }
        }
    }
    let _ = write!(html, "</tr></thead><tbody>{rows}</tbody></table></div>");
    html
}

/// Percent-encodes a query string component (everything but unreserved characters).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A query string from pairs.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A framework's short name for pages ("EU AI Act" rather than the regulation's full title);
/// a combination such as `iso27001+soc2` reads "ISO/IEC 27001 + SOC 2".
pub fn framework_label(catalog: &aimsgap_catalog::Catalog, id: &str) -> String {
    id.split('+')
        .map(|part| match part {
            "iso42001" => "ISO/IEC 42001".to_string(),
            "iso27001" => "ISO/IEC 27001".to_string(),
            "soc2" => "SOC 2".to_string(),
            "nist-ai-rmf" => "NIST AI RMF".to_string(),
            "eu-ai-act" => "EU AI Act".to_string(),
            "colorado-ai" => "Colorado AI law".to_string(),
            other => catalog
                .framework(other)
                .map_or_else(|| other.to_string(), |f| f.name.clone()),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A stored RFC 3339 time as people read it: `2026-11-30 00:03 UTC`.
pub fn when(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(day), Some(time)) if timestamp.ends_with('Z') => format!("{day} {time} UTC"),
        _ => timestamp.to_string(),
    }
}
