#[stepworker::activity(timeout = 300)]
async fn resize(input: u32) -> u32 {
    input
}

fn main() {}
