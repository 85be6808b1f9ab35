//! `require_sigv4`: a request signed with a known key is served, one signed
//! with a wrong secret or an unknown key, or not signed, is refused with
//! AWS's error. Real HTTP: the stepworker client signs with `aws-sigv4`.

use stepworker::client::{Client, Config, Credentials};
use stepworker_local::{LocalEngine, SigV4Keys};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn client(url: &str, id: &str, secret: &str) -> Client {
    let config = Config::local(url)
        .to_builder()
        .credentials(Credentials::new(id, secret, None, None, "test"))
        .build();
    Client::new(config)
}

#[tokio::test]
async fn only_requests_signed_with_a_known_key_are_served() {
    let engine = LocalEngine::builder()
        .require_sigv4(SigV4Keys::single("AKIDLOCAL", "local-secret"))
        .start()
        .await
        .expect("starts");
    let url = engine.endpoint_url();

    let signed = client(&url, "AKIDLOCAL", "local-secret");
    signed
        .create_activity()
        .name("signed")
        .send()
        .await
        .expect("a correctly signed request is served");

    let wrong_secret = client(&url, "AKIDLOCAL", "not-the-secret");
    let error = wrong_secret
        .list_activities()
        .send()
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("InvalidSignatureException"),
        "{error}"
    );

    let unknown = client(&url, "AKIDOTHER", "local-secret");
    let error = unknown.list_activities().send().await.expect_err("refused");
    assert!(
        error.to_string().contains("UnrecognizedClientException"),
        "{error}"
    );

    let mut stream = tokio::net::TcpStream::connect(engine.local_addr())
        .await
        .expect("connects");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: AWSStepFunctions.ListActivities\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        engine.local_addr()
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("MissingAuthenticationToken"), "{answer}");
    engine.shutdown().await.expect("stops");
}
