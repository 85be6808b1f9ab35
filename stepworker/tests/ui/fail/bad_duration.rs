#[stepworker::activity(heartbeat = "10 seconds")]
async fn resize(input: u32) -> u32 {
    input
}

#[stepworker::activity(timeout = "5d")]
async fn crop(input: u32) -> u32 {
    input
}

fn main() {}
