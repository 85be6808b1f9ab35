//! What the HTTP client refuses to do: follow a redirect (which would hand
//! the signed request and its session token to another host) or read an
//! answer without end.

mod client_support;

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use client_support::{test_config, Reply, TestServer};
use serde_json::json;
use stepworker::client::Client;
use stepworker::Error;

/// A server on 127.0.0.1 answering every request with `response()`.
async fn serve(response: fn() -> Response) -> String {
    let app = Router::new().fallback(move || async move { response() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_its_target_sees_nothing() {
    let target = TestServer::always(Reply::ok(json!({"activities": []}))).await;
    let location = format!("{}/stolen", target.url);
    for status in [301u16, 302, 307, 308] {
        let redirector =
            TestServer::always(Reply::raw(status, "").with_header("location", &location)).await;
        let err = redirector
            .client()
            .list_activities()
            .send()
            .await
            .expect_err("a redirect is an error");
        assert!(
            matches!(err, Error::Http { status: s, .. } if s == status),
            "{status}: {err:?}"
        );
        assert_eq!(redirector.count(), 1, "{status}: not retried");
    }
    assert_eq!(
        target.count(),
        0,
        "the signed request never reached the target"
    );
}

fn huge_declared() -> Response {
    // 9 MiB of valid JSON (an answer of both operations used here, padded
    // with whitespace), with its Content-Length.
    let mut body = br#"{"activities": [], "events": []"#.to_vec();
    body.resize(9 * 1024 * 1024, b' ');
    body.push(b'}');
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.0")
        .body(Body::from(body))
        .expect("response")
}

fn huge_streamed() -> Response {
    // 64 chunks of 256 KiB without a Content-Length: only counting while
    // reading can stop it.
    let chunks = (0..64).map(|_| Ok::<_, Infallible>(Bytes::from(vec![b' '; 256 * 1024])));
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.0")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .expect("response")
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_a_typed_error() {
    for (name, response) in [
        ("declared", huge_declared as fn() -> Response),
        ("streamed", huge_streamed),
    ] {
        let url = serve(response).await;
        let err = Client::new(test_config(&url).build())
            .list_activities()
            .send()
            .await
            .expect_err("too large");
        assert!(
            matches!(
                err,
                Error::ResponseTooLarge {
                    operation: "ListActivities",
                    status: 200,
                    limit: 8_388_608,
                }
            ),
            "{name}: {err:?}"
        );
        assert_eq!(err.retry_kind(), None, "{name}: not retried");
    }
}

#[tokio::test]
async fn the_cap_is_configurable_and_larger_for_execution_history() {
    let url = serve(huge_declared).await;
    let history = Client::new(test_config(&url).build())
        .get_execution_history()
        .execution_arn("arn:aws:states:us-east-1:123456789012:execution:sm:e")
        .send()
        .await
        .expect("9 MiB fits the history cap");
    assert!(history.events.is_empty());

    let generous = Client::new(
        test_config(&url)
            .max_response_size(16 * 1024 * 1024)
            .build(),
    );
    generous.list_activities().send().await.expect("fits");

    let small = serve(|| {
        Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .body(Body::from(
                r#"{"__type":"InvalidArn","message":"a long message well over a hundred bytes of text, more than the cap allows here"}"#,
            ))
            .expect("response")
    })
    .await;
    let err = Client::new(test_config(&small).max_response_size(64).build())
        .list_activities()
        .send()
        .await
        .expect_err("error body too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                status: 400,
                limit: 64,
                ..
            }
        ),
        "{err:?}"
    );
}
