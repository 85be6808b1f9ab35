//! The smallest useful program on stepworker's client: one DescribeStateMachine.
//! `tools/measure_client_size.sh` builds it in release to compare binary sizes
//! with `client_size_aws_sdk_sfn`.
//!
//! Run: `cargo run -p stepworker-client-comparison --example client_size_stepworker -- http://127.0.0.1:8083 <arn>`

use stepworker::client::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let endpoint = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8083".to_owned());
    let arn = args
        .next()
        .unwrap_or_else(|| "arn:aws:states:us-east-1:123456789012:stateMachine:demo".to_owned());
    let client = Client::local(endpoint);
    match client
        .describe_state_machine()
        .state_machine_arn(arn)
        .send()
        .await
    {
        Ok(out) => println!("{} {}", out.name, out.r#type.as_str()),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}
