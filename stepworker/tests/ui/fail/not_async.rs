#[stepworker::activity]
fn resize(input: u32) -> u32 {
    input
}

fn main() {}
