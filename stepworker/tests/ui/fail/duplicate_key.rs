#[stepworker::activity(name = "resize", timeout = "5m", name = "resize-image")]
async fn resize(input: u32) -> u32 {
    input
}

fn main() {}
