#[stepworker::activity]
async fn resize(input: impl serde::de::DeserializeOwned) -> u32 {
    let _ = input;
    1
}

fn main() {}
