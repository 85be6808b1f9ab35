//! The shape of a handler function, checked into [`HandlerSignature`].

use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, PatType, ReturnType, Type};

/// What a handler returns, which decides how its value is reported.
pub(crate) enum HandlerReturn {
    /// `-> Result<O, E>` (any path ending in `Result`, so aliases such as
    /// `anyhow::Result<O>` work): `Ok` succeeds, `Err` fails the task.
    Result(Type),
    /// `-> O`, or nothing at all (`()`): the task always succeeds.
    Plain(Type),
}

/// A checked `async fn(input: T [, ctx: ActivityContext]) -> R`.
pub(crate) struct HandlerSignature {
    /// `T`, deserialized from the task input.
    pub(crate) input: Type,
    /// The type of the second parameter, when the handler takes a context.
    pub(crate) context: Option<Type>,
    /// What the handler returns.
    pub(crate) output: HandlerReturn,
}

impl HandlerSignature {
    /// Checks `function`; each error points at the part that must change.
    pub(crate) fn check(function: &ItemFn) -> syn::Result<Self> {
        let sig = &function.sig;
        if sig.asyncness.is_none() {
            return Err(syn::Error::new(
                sig.fn_token.span,
                "#[activity] needs an `async fn`",
            ));
        }
        if let Some(constness) = &sig.constness {
            return Err(syn::Error::new(
                constness.span,
                "an activity cannot be a `const fn`",
            ));
        }
        if let Some(unsafety) = &sig.unsafety {
            return Err(syn::Error::new(
                unsafety.span,
                "an activity cannot be an `unsafe fn`",
            ));
        }
        if let Some(abi) = &sig.abi {
            return Err(syn::Error::new(
                abi.span(),
                "an activity cannot declare an ABI",
            ));
        }
        if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
            return Err(syn::Error::new_spanned(
                &sig.generics,
                "an activity cannot be generic: the worker needs one concrete input and output type",
            ));
        }
        if let Some(variadic) = &sig.variadic {
            return Err(syn::Error::new(
                variadic.span(),
                "an activity cannot be variadic",
            ));
        }

        let mut params = sig.inputs.iter();
        let input =
            match params.next() {
                Some(param) => typed_param(param)?,
                None => return Err(syn::Error::new(
                    sig.paren_token.span.join(),
                    "an activity takes its input as the first parameter: `async fn f(input: T)`",
                )),
            };
        let context = params.next().map(typed_param).transpose()?;
        if let Some(extra) = params.next() {
            return Err(syn::Error::new_spanned(
                extra,
                "too many parameters: an activity takes `input: T` and optionally `ctx: ActivityContext`",
            ));
        }

        Ok(Self {
            input: input.ty.as_ref().clone(),
            context: context.map(|param| param.ty.as_ref().clone()),
            output: HandlerReturn::of(&sig.output),
        })
    }
}

impl HandlerReturn {
    fn of(output: &ReturnType) -> Self {
        match output {
            ReturnType::Default => Self::Plain(syn::parse_quote!(())),
            ReturnType::Type(_, ty) if is_result(ty) => Self::Result(ty.as_ref().clone()),
            ReturnType::Type(_, ty) => Self::Plain(ty.as_ref().clone()),
        }
    }
}

fn is_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Result"),
        _ => false,
    }
}

/// A parameter that is a plain `pattern: Type` of a concrete type.
fn typed_param(param: &FnArg) -> syn::Result<&PatType> {
    match param {
        FnArg::Receiver(receiver) => Err(syn::Error::new_spanned(
            receiver,
            "an activity cannot take `self`; write a free `async fn`",
        )),
        FnArg::Typed(typed) => {
            if let Some(found) = impl_trait(&typed.ty) {
                return Err(syn::Error::new_spanned(
                    found,
                    "an activity cannot be generic: `impl Trait` parameters are not allowed",
                ));
            }
            if let Type::Reference(reference) = typed.ty.as_ref() {
                return Err(syn::Error::new_spanned(
                    reference,
                    "activity parameters are owned: the input is deserialized into a new value",
                ));
            }
            Ok(typed)
        }
    }
}

fn impl_trait(ty: &Type) -> Option<&syn::TypeImplTrait> {
    match ty {
        Type::ImplTrait(found) => Some(found),
        Type::Paren(inner) => impl_trait(&inner.elem),
        Type::Group(inner) => impl_trait(&inner.elem),
        _ => None,
    }
}
