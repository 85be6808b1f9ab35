//! The same program as `client_size_stepworker`, on the official aws-sdk-sfn
//! (static keys, no aws-config: its smallest form), for the binary size
//! comparison of `tools/measure_client_size.sh`.
//!
//! Run: `cargo run -p stepworker-client-comparison --example client_size_aws_sdk_sfn -- http://127.0.0.1:8083 <arn>`

use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8083".to_owned());
    let arn = args
        .next()
        .unwrap_or_else(|| "arn:aws:states:us-east-1:123456789012:stateMachine:demo".to_owned());
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .endpoint_url(endpoint)
        .build();
    let client = aws_sdk_sfn::Client::from_conf(config);
    match client
        .describe_state_machine()
        .state_machine_arn(arn)
        .send()
        .await
    {
        Ok(out) => println!("{} {}", out.name(), out.r#type().as_str()),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
