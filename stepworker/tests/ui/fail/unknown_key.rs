#[stepworker::activity(name = "resize", retries = "3")]
async fn resize(input: u32) -> u32 {
    input
}

fn main() {}
