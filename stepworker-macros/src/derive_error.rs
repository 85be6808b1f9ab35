//! `#[derive(ActivityError)]`: error names from type and variant names.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr};

/// The longest `error` Step Functions accepts.
const MAX_ERROR_CHARS: usize = 256;

/// Parses, checks and expands one `#[derive(ActivityError)]`.
pub(crate) fn expand(item: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(item)?;
    let type_name = input.ident.to_string().trim_start_matches("r#").to_owned();
    let type_override = name_override(&input.attrs)?;
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();

    let error_name = match &input.data {
        Data::Enum(data) => {
            if let Some(attr) = type_override {
                return Err(syn::Error::new(
                    attr.span(),
                    "on an enum, put `#[activity_error(name = \"...\")]` on each variant",
                ));
            }
            let arms = data
                .variants
                .iter()
                .map(|variant| {
                    let name = match name_override(&variant.attrs)? {
                        Some(name) => name,
                        None => LitStr::new(
                            &format!("{type_name}.{}", variant.ident),
                            variant.ident.span(),
                        ),
                    };
                    let variant_ident = &variant.ident;
                    let pattern = match &variant.fields {
                        Fields::Named(_) => quote!(Self::#variant_ident { .. }),
                        Fields::Unnamed(_) => quote!(Self::#variant_ident(..)),
                        Fields::Unit => quote!(Self::#variant_ident),
                    };
                    Ok(quote!(#pattern => #name))
                })
                .collect::<syn::Result<Vec<_>>>()?;
            if arms.is_empty() {
                // An empty enum has no values, so the method can never run.
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms,)* })
            }
        }
        Data::Struct(_) => {
            let name = type_override.unwrap_or_else(|| LitStr::new(&type_name, ident.span()));
            quote!(#name)
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "ActivityError cannot be derived for a union",
            ))
        }
    };

    Ok(quote! {
        impl #impl_generics ::stepworker::worker::ActivityError for #ident #type_generics #where_clause {
            fn error_name(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(#error_name)
            }

            fn cause(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Owned(::stepworker::worker::error_chain(self))
            }
        }
    })
}

/// Reads `#[activity_error(name = "...")]`, checking the service's limit.
fn name_override(attrs: &[Attribute]) -> syn::Result<Option<LitStr>> {
    let mut found: Option<LitStr> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("activity_error")) {
        attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("name") {
                return Err(meta.error("unknown key; `#[activity_error]` takes `name = \"...\"`"));
            }
            if found.is_some() {
                return Err(meta.error("duplicate key `name`"));
            }
            let name: LitStr = meta.value()?.parse()?;
            let length = name.value().chars().count();
            if !(1..=MAX_ERROR_CHARS).contains(&length) {
                return Err(syn::Error::new(
                    name.span(),
                    format!("an error name has 1 to {MAX_ERROR_CHARS} characters; this one has {length}"),
                ));
            }
            found = Some(name);
            Ok(())
        })?;
    }
    Ok(found)
}
