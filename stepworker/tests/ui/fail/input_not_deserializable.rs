struct Image;

#[stepworker::activity(timeout = "1m")]
async fn resize(input: Image) -> u32 {
    let _ = input;
    1
}

fn main() {}
