#[stepworker::activity]
async fn resize<T: serde::de::DeserializeOwned>(input: T) -> u32 {
    let _ = input;
    1
}

fn main() {}
