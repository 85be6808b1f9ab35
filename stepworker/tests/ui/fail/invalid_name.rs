#[stepworker::activity(name = "resize image")]
async fn resize(input: u32) -> u32 {
    input
}

#[stepworker::activity(
    name = "an-activity-name-that-is-far-too-long-for-step-functions-to-accept-as-an-activity-name"
)]
async fn crop(input: u32) -> u32 {
    input
}

fn main() {}
