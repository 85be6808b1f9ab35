struct Image;

#[stepworker::activity]
async fn resize(input: Image) -> u32 {
    let _ = input;
    1
}

fn main() {}
