// Neither `heartbeat` nor `timeout`: a lost task would wait up to a year.
#[stepworker::activity(name = "resize")]
async fn resize(input: u32) -> u32 {
    input
}

fn main() {}
