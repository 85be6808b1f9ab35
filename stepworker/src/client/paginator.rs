use std::marker::PhantomData;

use super::{Client, Error};
use crate::model::Paginated;

/// Pages of a list operation, following `nextToken`.
pub struct Paginator<O: Paginated> {
    #[allow(dead_code)]
    client: Client,
    #[allow(dead_code)]
    first: Result<O::Input, Error>,
    _op: PhantomData<O>,
}

impl<O: Paginated> Paginator<O> {
    pub(crate) fn new(client: Client, first: Result<O::Input, Error>) -> Self {
        Self {
            client,
            first,
            _op: PhantomData,
        }
    }
}
