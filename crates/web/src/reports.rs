//! Report downloads: a result rendered in the format a caller asks for. The formats, their
//! content types, file names and renderers are [`aimsgap_report::format::Format`], the one
//! table the CLI uses too; this module only hands in the PDF renderer and answers HTTP. A
//! download is named for the organisation and the as-of date, whichever page or route asks
//! for it: `acme-cloud-2026-11-29-aimsgap.pdf`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use aimsgap_assess::Assessment;
use aimsgap_catalog::Date;
use aimsgap_report::format::{Format, Options, RenderError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media types of the formats, for the OpenAPI document (a test keeps it equal to the
/// content types of [`Format::ALL`]).
pub(crate) const MEDIA_TYPES: &[&str] = &[
    "text/plain; charset=utf-8",
    "application/json",
    "text/html; charset=utf-8",
    "text/markdown; charset=utf-8",
    "text/csv; charset=utf-8",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
];

/// The Markdown report lists this many gaps when downloaded.
const MARKDOWN_TOP: usize = 25;

/// The organisation's part of a download name is cut to this many characters.
const SLUG_MAX: usize = 60;

/// The organisation's part of a download name when its name has no letter or digit.
const SLUG_EMPTY: &str = "assessment";

/// Lowercase letters and digits of `text` with single hyphens between the runs, at most
/// [`SLUG_MAX`] characters; `keep` says which characters count as letters and digits.
pub(crate) fn slug_of(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if keep(c) {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.chars().take(SLUG_MAX).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        SLUG_EMPTY.to_string()
    } else {
        slug
    }
}

/// The names a report of `organisation`'s assessment as of `as_of` downloads under: an ASCII
/// name (the organisation transliterated, lowercase, hyphens; the date; `aimsgap`; the
/// format's part) and, when the organisation's name is not all ASCII, the same name keeping
/// its letters, for `filename*` (RFC 6266).
pub(crate) fn download_names(
    organisation: &str,
    as_of: Date,
    format: Format,
) -> (String, Option<String>) {
    let file = format.file_name();
    // `report.pdf` is the report itself; other files keep their name as a suffix.
    let tail = match file.strip_prefix("report.") {
        Some(extension) => format!(".{extension}"),
        None => format!("-{file}"),
    };
    let name = |slug: String| format!("{slug}-{as_of}-aimsgap{tail}");
    let ascii = slug_of(&deunicode::deunicode(organisation), |c| {
        c.is_ascii_alphanumeric()
    });
    let unicode = slug_of(organisation, char::is_alphanumeric);
    let extended = (unicode != ascii).then(|| name(unicode));
    (name(ascii), extended)
}

/// The characters that `filename*` carries as they are (RFC 8187 `attr-char`).
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` of a download: `attachment; filename="..."`, with
/// `filename*=UTF-8''...` when the name has letters beyond ASCII.
pub(crate) fn disposition(ascii: &str, extended: Option<&str>) -> String {
    let mut value = format!("attachment; filename=\"{ascii}\"");
    if let Some(extended) = extended {
        value.push_str("; filename*=UTF-8''");
        value.push_str(&percent_encoding::utf8_percent_encode(extended, ATTR_CHAR).to_string());
    }
    value
}

pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, disposition: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(feature = "pdf")]
fn pdf(result: &aimsgap_assess::AssessmentResult) -> Result<Vec<u8>, String> {
    aimsgap_pdf::render(result).map_err(|e| e.to_string())
}

/// A report of a result in one of the formats, as a download. Rendering runs on the bounded
/// rendering pool ([`crate::work::Pool`]): a crowd of downloads waits there, or gets 503 when
/// its queue is full, and the request threads stay free.
///
/// `computed` is the result and the assessment it was computed from; `stored`, when given, is
/// the assessment the report shows instead (the workbook's Answers sheet shows the answers as
/// stored, without the evidence register's items).
pub(crate) async fn report_response(
    state: &AppState,
    computed: std::sync::Arc<crate::cache::Computed>,
    stored: Option<Assessment>,
    format: &str,
) -> ApiResult<Response> {
    let format = Format::parse(format).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let result = &computed.result;
    let (ascii, extended) = download_names(&result.organization, result.as_of, format);
    let catalog = std::sync::Arc::clone(&state.catalog);
    let bytes = state
        .rendering
        .run(move || {
            let result = &computed.result;
            let assessment = stored.as_ref().unwrap_or(&computed.assessment);
            #[cfg(feature = "pdf")]
            let renderer: Option<aimsgap_report::format::PdfRenderer<'_>> = Some(&pdf);
            #[cfg(not(feature = "pdf"))]
            let renderer: Option<aimsgap_report::format::PdfRenderer<'_>> = None;
            let options = Options {
                top: MARKDOWN_TOP,
                pdf: renderer,
            };
            format.render(&catalog, assessment, result, &options)
        })
        .await?
        .map_err(|error| match error {
            RenderError::PdfUnavailable => ApiError::BadRequest(error.to_string()),
            RenderError::Pdf(_) | RenderError::Xlsx(_) => ApiError::Internal(error.to_string()),
        })?;
    Ok(download(
        bytes,
        format.content_type(),
        &disposition(&ascii, extended.as_deref()),
    ))
}

/// The names a file of `organisation`'s assessment as of `as_of` downloads under, ending in
/// `tail` (`aims-scope.docx`): `<organisation>-<as-of>-<tail>`, ASCII and, when the name has
/// letters beyond ASCII, for `filename*`, as [`download_names`] gives them.
pub(crate) fn named_download(
    organisation: &str,
    as_of: Date,
    tail: &str,
) -> (String, Option<String>) {
    let name = |slug: String| format!("{slug}-{as_of}-{tail}");
    let ascii = slug_of(&deunicode::deunicode(organisation), |c| {
        c.is_ascii_alphanumeric()
    });
    let unicode = slug_of(organisation, char::is_alphanumeric);
    let extended = (unicode != ascii).then(|| name(unicode));
    (name(ascii), extended)
}

#[cfg(test)]
mod tests {
    use super::{MEDIA_TYPES, disposition, download_names};
    use aimsgap_catalog::Date;
    use aimsgap_report::format::Format;

    fn names(organisation: &str, format: Format) -> (String, Option<String>) {
        let as_of = Date::parse("2026-11-29").unwrap_or_else(|e| unreachable!("{e}"));
        download_names(organisation, as_of, format)
    }

    #[test]
    fn downloads_are_named_for_the_organisation_and_the_date() {
        for (organisation, format, ascii, extended) in [
            (
                "Acme Cloud",
                Format::Pdf,
                "acme-cloud-2026-11-29-aimsgap.pdf",
                None,
            ),
            (
                "  ACME   Cloud, Inc. ",
                Format::Html,
                "acme-cloud-inc-2026-11-29-aimsgap.html",
                None,
            ),
            (
                "Acme Cloud",
                Format::Csv,
                "acme-cloud-2026-11-29-aimsgap-requirements.csv",
                None,
            ),
            (
                "Acme Cloud",
                Format::Oscal,
                "acme-cloud-2026-11-29-aimsgap-assessment-results.oscal.json",
                None,
            ),
            (
                "Zürich Rück AG",
                Format::Xlsx,
                "zurich-ruck-ag-2026-11-29-aimsgap.xlsx",
                Some("zürich-rück-ag-2026-11-29-aimsgap.xlsx"),
            ),
            (
                "\"; evil\r\n",
                Format::Json,
                "evil-2026-11-29-aimsgap.json",
                None,
            ),
            ("", Format::Json, "assessment-2026-11-29-aimsgap.json", None),
            (
                "---",
                Format::Markdown,
                "assessment-2026-11-29-aimsgap.md",
                None,
            ),
        ] {
            let (got, got_extended) = names(organisation, format);
            assert_eq!(got, ascii, "{organisation:?}");
            assert_eq!(got_extended.as_deref(), extended, "{organisation:?}");
        }
        let long = names(&"a".repeat(300), Format::Pdf).0;
        assert_eq!(long.len(), 60 + "-2026-11-29-aimsgap.pdf".len());
        // Every format gets its own name.
        let mut seen = std::collections::HashSet::new();
        for format in Format::ALL {
            assert!(seen.insert(names("Acme", format).0), "{format}");
        }
    }

    #[test]
    fn a_name_beyond_ascii_goes_in_filename_star_percent_encoded() {
        let (ascii, extended) = names("Zürich Rück AG", Format::Pdf);
        assert_eq!(
            disposition(&ascii, extended.as_deref()),
            "attachment; filename=\"zurich-ruck-ag-2026-11-29-aimsgap.pdf\"; filename*=UTF-8''z%C3%BCrich-r%C3%BCck-ag-2026-11-29-aimsgap.pdf"
        );
        let (ascii, extended) = names("Acme Cloud", Format::Pdf);
        assert_eq!(
            disposition(&ascii, extended.as_deref()),
            "attachment; filename=\"acme-cloud-2026-11-29-aimsgap.pdf\""
        );
    }

    #[test]
    fn every_format_s_media_type_is_documented_and_no_other() {
        let mut used: Vec<&str> = Format::ALL.iter().map(|f| f.content_type()).collect();
        used.sort_unstable();
        used.dedup();
        let mut documented = MEDIA_TYPES.to_vec();
        documented.sort_unstable();
        assert_eq!(used, documented);
    }
}
