struct Resizer;

impl Resizer {
    #[stepworker::activity]
    async fn resize(&self, input: u32) -> u32 {
        input
    }
}

fn main() {}
