//! The `#[activity(...)]` arguments, parsed and checked into [`ActivityArgs`].

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::LitStr;

use crate::duration::parse_seconds;
use crate::name::check_activity_name;

/// The keys `#[activity]` accepts, in the order the error message lists them.
const KEYS: &str = "`name`, `heartbeat`, `timeout`";

/// A duration argument in whole seconds, with the span of its literal.
#[derive(Clone, Copy)]
pub(crate) struct SpannedSeconds {
    pub(crate) seconds: u64,
    pub(crate) span: Span,
}

/// The checked arguments of one `#[activity(...)]` attribute.
#[derive(Default)]
pub(crate) struct ActivityArgs {
    /// The explicit activity name, already checked against the service rules.
    pub(crate) name: Option<LitStr>,
    /// `heartbeat = "..."`: the Task state's `HeartbeatSeconds`.
    pub(crate) heartbeat: Option<SpannedSeconds>,
    /// `timeout = "..."`: the Task state's `TimeoutSeconds`.
    pub(crate) timeout: Option<SpannedSeconds>,
}

impl ActivityArgs {
    /// Parses the attribute's tokens; every error points at the offending token.
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Self> {
        let mut args = Self::default();
        let parser = syn::meta::parser(|meta| args.parse_one(meta));
        syn::parse::Parser::parse2(parser, tokens)?;
        args.check_heartbeat_below_timeout()?;
        Ok(args)
    }

    fn parse_one(&mut self, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident().map(ToString::to_string) else {
            return Err(meta.error(format!("unknown key; expected one of {KEYS}")));
        };
        let already_set = match key.as_str() {
            "name" => self.name.is_some(),
            "heartbeat" => self.heartbeat.is_some(),
            "timeout" => self.timeout.is_some(),
            _ => return Err(meta.error(format!("unknown key `{key}`; expected one of {KEYS}"))),
        };
        if already_set {
            return Err(meta.error(format!("duplicate key `{key}`")));
        }
        let value: LitStr = meta.value()?.parse().map_err(|error| {
            syn::Error::new(error.span(), format!("`{key}` takes a string literal"))
        })?;
        match key.as_str() {
            "name" => {
                check_activity_name(&value.value())
                    .map_err(|message| syn::Error::new(value.span(), message))?;
                self.name = Some(value);
            }
            "heartbeat" => self.heartbeat = Some(seconds_of(&value)?),
            _ => self.timeout = Some(seconds_of(&value)?),
        }
        Ok(())
    }

    /// A heartbeat that is not shorter than the timeout can never fire usefully.
    fn check_heartbeat_below_timeout(&self) -> syn::Result<()> {
        match (self.heartbeat, self.timeout) {
            (Some(heartbeat), Some(timeout)) if heartbeat.seconds >= timeout.seconds => {
                Err(syn::Error::new(
                    heartbeat.span,
                    format!(
                        "heartbeat ({} s) must be shorter than timeout ({} s)",
                        heartbeat.seconds, timeout.seconds
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

fn seconds_of(literal: &LitStr) -> syn::Result<SpannedSeconds> {
    let seconds = parse_seconds(&literal.value())
        .map_err(|message| syn::Error::new(literal.span(), message))?;
    Ok(SpannedSeconds {
        seconds,
        span: literal.span(),
    })
}
