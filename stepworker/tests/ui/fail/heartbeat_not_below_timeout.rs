#[stepworker::activity(heartbeat = "5m", timeout = "300s")]
async fn resize(input: u32) -> u32 {
    input
}

fn main() {}
