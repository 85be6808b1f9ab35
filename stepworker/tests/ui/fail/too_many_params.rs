#[stepworker::activity]
async fn resize(input: u32, ctx: stepworker::ActivityContext, extra: u32) -> u32 {
    let _ = (ctx, extra);
    input
}

fn main() {}
