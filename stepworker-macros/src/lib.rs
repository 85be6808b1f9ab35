//! Procedural macros of stepworker: `#[activity]` and `#[derive(ActivityError)]`.
//!
//! Use them through the `stepworker` crate (`stepworker::activity`,
//! `stepworker::ActivityError`); the generated code names `::stepworker` paths.
//! Each macro parses its input into a config struct first and expands second,
//! so every user mistake is reported as a `syn::Error` at the offending token.

mod activity_args;
mod activity_expand;
mod activity_signature;
mod derive_error;
mod duration;
mod name;

use proc_macro::TokenStream;

/// Turns an `async fn` into a Step Functions activity.
///
/// ```ignore
/// #[stepworker::activity(name = "resize-image", heartbeat = "10s", timeout = "5m")]
/// async fn resize(input: ResizeRequest, ctx: ActivityContext) -> Result<Resized, ResizeError> {
///     // ...
/// }
/// ```
///
/// Keys (all optional): `name` (defaults to the function name; 1-80 of
/// `[A-Za-z0-9_-]`), `heartbeat` and `timeout` (a whole number followed by `s`,
/// `m` or `h`; the heartbeat must be shorter than the timeout).
///
/// The function stays callable as written (`resize(input, ctx).await`), and
/// `resize` also names a type implementing `stepworker::Activity`, so
/// `Worker::builder(client).activity(resize)` registers it.
#[proc_macro_attribute]
pub fn activity(args: TokenStream, item: TokenStream) -> TokenStream {
    activity_expand::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `stepworker::ActivityError` for an error enum or struct.
///
/// The Step Functions `error` name is `Type.Variant` for enums and `Type` for
/// structs, or what `#[activity_error(name = "...")]` on the variant or type
/// says; the `cause` is the `Display` text followed by the `source()` chain.
/// The type must implement `std::error::Error` (for example with `thiserror`).
#[proc_macro_derive(ActivityError, attributes(activity_error))]
pub fn derive_activity_error(item: TokenStream) -> TokenStream {
    derive_error::expand(item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
