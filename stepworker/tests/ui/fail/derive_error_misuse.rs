#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
#[activity_error(name = "Resize.Failed")]
enum ResizeError {
    #[error("too large")]
    TooLarge,
}

#[derive(Debug, thiserror::Error, stepworker::ActivityError)]
enum CropError {
    #[error("empty")]
    #[activity_error(name = "")]
    Empty,
}

fn main() {}
