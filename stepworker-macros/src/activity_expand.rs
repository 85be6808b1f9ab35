//! Expansion of `#[activity]`: the checked config becomes a type and impls.
//!
//! Why the handler becomes a lowercase unit struct with the function's name:
//! the use site `Worker::builder(client).activity(resize)` needs a *value*
//! named `resize` whose type implements `Activity`, and the issue requires the
//! function to stay callable as `resize(input).await`. A unit struct and a fn
//! cannot share the value namespace, and a fn item's type cannot be named to
//! implement a trait on it. So the macro emits `struct resize;`, moves the body
//! into the inherent `resize::call`, and derefs `resize` to a function pointer
//! that calls it: Rust auto-derefs the callee of a call expression, so
//! `resize(input)` compiles unchanged. The worker calls `resize::call` directly
//! (no boxing); only direct calls through the pointer box the future, which
//! costs nothing that matters in unit tests of business logic.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, ItemFn, LitStr};

use crate::activity_args::{ActivityArgs, SpannedSeconds};
use crate::activity_signature::{HandlerReturn, HandlerSignature};
use crate::name::check_activity_name;

/// Parses, checks and expands one `#[activity(...)] async fn`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let args = ActivityArgs::parse(args)?;
    let function: ItemFn = syn::parse2(item)?;
    let signature = HandlerSignature::check(&function)?;
    let name = activity_name(&args, &function)?;
    require_a_deadline(&args)?;
    Ok(generate(&args, &function, &signature, &name))
}

/// Refuses an activity with neither `heartbeat` nor `timeout`. Its Task
/// state would have no `HeartbeatSeconds` and no `TimeoutSeconds`, so a task
/// lost with its worker (a crash, a poll dropped at shutdown) would hold its
/// execution until the execution's own limit: up to a year on AWS. No default
/// fits every activity (seconds for one, hours for another), so the author
/// chooses; the error points at the attribute.
fn require_a_deadline(args: &ActivityArgs) -> syn::Result<()> {
    if args.heartbeat.is_some() || args.timeout.is_some() {
        return Ok(());
    }
    Err(syn::Error::new(
        Span::call_site(),
        "an activity needs `heartbeat = \"...\"` or `timeout = \"...\"` (or both): without \
         either, a task lost with its worker waits until the execution's own timeout, up to a \
         year; e.g. `#[activity(timeout = \"5m\")]`",
    ))
}

fn activity_name(args: &ActivityArgs, function: &ItemFn) -> syn::Result<LitStr> {
    if let Some(name) = &args.name {
        return Ok(name.clone());
    }
    let ident = &function.sig.ident;
    let default = ident.to_string().trim_start_matches("r#").to_owned();
    check_activity_name(&default).map_err(|message| {
        syn::Error::new(
            ident.span(),
            format!("{message}; set a valid one with `#[activity(name = \"...\")]`"),
        )
    })?;
    Ok(LitStr::new(&default, ident.span()))
}

fn generate(
    args: &ActivityArgs,
    function: &ItemFn,
    signature: &HandlerSignature,
    name: &LitStr,
) -> TokenStream {
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let (docs, cfgs, others) = split_attributes(&function.attrs);
    let sig = &function.sig;
    let call_sig = {
        let mut call_sig = sig.clone();
        call_sig.ident = format_ident!("call", span = sig.ident.span());
        call_sig
    };
    let block = &function.block;

    let input = &signature.input;
    let input_type = quote_spanned!(input.span()=> #input);
    let context_type = quote!(::stepworker::worker::ActivityContext);
    let handler_return = match &signature.output {
        HandlerReturn::Result(ty) | HandlerReturn::Plain(ty) => ty,
    };

    let (pointer_params, pointer_args, run_call) = match &signature.context {
        Some(context) => (
            quote!(#input, #context),
            quote!(|input, ctx| ::std::boxed::Box::pin(#ident::call(input, ctx))),
            quote!(#ident::call(input, ctx)),
        ),
        None => (
            quote!(#input),
            quote!(|input| ::std::boxed::Box::pin(#ident::call(input))),
            quote!({
                // The handler does not watch cancellation; the runtime still does.
                let _ = ctx;
                #ident::call(input)
            }),
        ),
    };
    let pointer_type = quote! {
        fn(#pointer_params) -> ::stepworker::worker::__private::BoxFuture<#handler_return>
    };

    let (output_type, error_type, run_body) = match &signature.output {
        HandlerReturn::Result(ty) => (
            quote_spanned!(ty.span()=> <#ty as ::stepworker::worker::__private::HandlerResult>::Ok),
            quote_spanned!(ty.span()=> <#ty as ::stepworker::worker::__private::HandlerResult>::Err),
            quote!(::stepworker::worker::__private::HandlerResult::into_result(#run_call.await)),
        ),
        HandlerReturn::Plain(ty) => (
            quote_spanned!(ty.span()=> #ty),
            quote!(::core::convert::Infallible),
            quote!(::core::result::Result::Ok(#run_call.await)),
        ),
    };

    let heartbeat = duration_tokens(args.heartbeat);
    let timeout = duration_tokens(args.timeout);
    let struct_doc = format!(
        "The `{name}` activity (`#[activity]`); call it like the function it was written as.",
        name = name.value()
    );

    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = #struct_doc]
        #(#cfgs)*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #ident;

        #(#cfgs)*
        impl #ident {
            /// Runs the handler exactly as it was written.
            #(#others)*
            #vis #call_sig #block
        }

        #(#cfgs)*
        impl ::core::ops::Deref for #ident {
            type Target = #pointer_type;

            fn deref(&self) -> &Self::Target {
                const CALL: #pointer_type = #pointer_args;
                &CALL
            }
        }

        #(#cfgs)*
        impl ::stepworker::worker::Activity for #ident {
            const NAME: &'static str = #name;
            const HEARTBEAT: ::core::option::Option<::core::time::Duration> = #heartbeat;
            const TIMEOUT: ::core::option::Option<::core::time::Duration> = #timeout;
            type Input = #input_type;
            type Output = #output_type;
            type Error = #error_type;

            fn run(
                &self,
                input: Self::Input,
                ctx: #context_type,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<Self::Output, Self::Error>,
            > + ::core::marker::Send {
                async move { #run_body }
            }
        }
    }
}

fn duration_tokens(duration: Option<SpannedSeconds>) -> TokenStream {
    match duration {
        Some(SpannedSeconds { seconds, .. }) => {
            quote!(::core::option::Option::Some(::core::time::Duration::from_secs(#seconds)))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Splits attributes into docs (for the type), `cfg`s (for every generated
/// item) and the rest (for the function body, e.g. `#[tracing::instrument]`).
fn split_attributes(attrs: &[Attribute]) -> (Vec<&Attribute>, Vec<&Attribute>, Vec<&Attribute>) {
    let mut docs = Vec::new();
    let mut cfgs = Vec::new();
    let mut others = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else if attr.path().is_ident("cfg") {
            cfgs.push(attr);
        } else {
            others.push(attr);
        }
    }
    (docs, cfgs, others)
}
