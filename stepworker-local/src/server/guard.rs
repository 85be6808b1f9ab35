//! What every request passes before it reaches the API or the console:
//! who may talk to the engine (Host and Origin), how long a body may take
//! to arrive, and the headers that keep the console out of other sites'
//! frames.
//!
//! The engine has no authentication by default, so on loopback its only
//! protection against a web page the developer visits is the browser's
//! same-origin rules. Two holes remain that this closes: DNS rebinding (a
//! page on `evil.example` re-resolves its own name to 127.0.0.1, so the
//! browser calls the engine with `Host: evil.example`) and cross-site
//! requests (a page sends `Origin: https://evil.example`).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::sigv4::SigV4Keys;

/// Longest a client may take to send a request body once its head
/// arrived (request heads have their own timeout in the listener).
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest request body: AWS's 1 MB request quota, with room for the JSON
/// escaping of a 1 MB definition.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The Content-Security-Policy of every answer: the console loads only its
/// own script and style, and no other site may frame it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Who the engine answers.
#[derive(Clone, Debug)]
pub struct Guard {
    /// Bound to a loopback address: only loopback host names are served.
    loopback_only: bool,
    /// When set, every API request must be signed with one of these keys.
    sigv4: Option<Arc<SigV4Keys>>,
}

impl Guard {
    /// The guard of a listener bound to `ip`.
    pub fn for_bind(ip: IpAddr) -> Self {
        Self {
            loopback_only: ip.is_loopback(),
            sigv4: None,
        }
    }

    /// Requires SigV4 signatures by `keys` on API requests (`POST`).
    pub fn with_sigv4(mut self, keys: Option<SigV4Keys>) -> Self {
        self.sigv4 = keys.map(Arc::new);
        self
    }
}

/// Middleware: refuses foreign hosts and origins, reads the body within its
/// time and size limits, and adds the security headers.
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let mut response = match admit(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal,
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn admit(guard: &Guard, request: Request) -> Result<Request, Response> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if guard.loopback_only {
        if let Some(host) = &host {
            if !is_loopback_host(host) {
                return Err(refuse(
                    StatusCode::FORBIDDEN,
                    "AccessDeniedException",
                    format!(
                        "Host '{host}' is not served: the engine listens on loopback and answers only \
                         localhost, 127.0.0.1 and [::1] (this refuses DNS rebinding)"
                    ),
                ));
            }
        }
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !same_origin(origin, host.as_deref()) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "AccessDeniedException",
                format!("Origin '{origin}' may not call this engine: only its own pages may"),
            ));
        }
    }
    let (parts, body) = request.into_parts();
    let bytes = match tokio::time::timeout(
        BODY_READ_TIMEOUT,
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "SerializationException",
                format!("The request body is larger than {MAX_BODY_BYTES} bytes or was cut off"),
            ))
        }
        Err(_) => {
            return Err(refuse(
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeout",
                format!(
                    "The request body did not arrive within {} seconds",
                    BODY_READ_TIMEOUT.as_secs()
                ),
            ))
        }
    };
    // The console's pages (GET) call the API, whose requests a browser
    // cannot sign: with SigV4 required, the console shows nothing.
    if let Some(keys) = &guard.sigv4 {
        if parts.method == axum::http::Method::POST {
            if let Err(refusal) = keys.verify(&parts, &bytes) {
                return Err(refuse(refusal.status(), refusal.code, refusal.message));
            }
        }
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// `localhost`, `*.localhost`, a loopback IP, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = strip_port(host);
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// `host` without a trailing `:port` (IPv6 literals keep their brackets).
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host, |(ip, _)| &host[..=ip.len()]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// True if `origin` (`scheme://host[:port]`) names the host the request was
/// sent to: the console's own pages.
fn same_origin(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else {
        return false;
    };
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    authority.eq_ignore_ascii_case(host)
}

fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    tracing::debug!(code, %message, "request refused by the guard");
    let body = json!({ "__type": code, "message": message }).to_string();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::JSON_10),
    );
    if let Ok(value) = HeaderValue::from_str(code) {
        headers.insert("x-amzn-errortype", value);
    }
    (status, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_apart_from_rebound_names() {
        for host in [
            "localhost",
            "localhost:8083",
            "127.0.0.1:8083",
            "127.8.9.1",
            "[::1]:8083",
            "api.localhost:1",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example:8083",
            "localhost.evil.example",
            "10.0.0.1:8083",
            "[::2]:8083",
            "127.0.0.1.evil.example",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn only_the_engines_own_pages_are_same_origin() {
        assert!(same_origin("http://127.0.0.1:8083", Some("127.0.0.1:8083")));
        assert!(same_origin("http://LOCALHOST:8083", Some("localhost:8083")));
        assert!(!same_origin("http://evil.example", Some("127.0.0.1:8083")));
        assert!(!same_origin("null", Some("127.0.0.1:8083")));
        assert!(!same_origin(
            "http://127.0.0.1:9999",
            Some("127.0.0.1:8083")
        ));
        assert!(!same_origin("http://127.0.0.1:8083", None));
    }
}
