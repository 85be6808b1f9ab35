#[stepworker::activity]
async fn resize() -> u32 {
    1
}

fn main() {}
