//! The URL each request goes to.

use std::net::IpAddr;

use http::Uri;

use super::error::Error;

/// A parsed endpoint, ready to give the URI of any operation.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    uri: Uri,
    scheme: String,
    authority: String,
    path: String,
    /// Whether a host prefix (`sync-`) may go in front of the host.
    prefixable: bool,
}

impl Endpoint {
    /// Parses `url` (`http` or `https`, with a host).
    ///
    /// The AWS SDKs put an operation's host prefix in front of custom
    /// endpoints too (`sync-localhost.localstack.cloud`); that is followed,
    /// except for IP addresses and `localhost`, where a prefixed name could
    /// not resolve (a local engine on 127.0.0.1 serves every operation).
    pub(crate) fn parse(url: &str, allow_host_prefix: bool) -> Result<Self, Error> {
        let uri: Uri = url
            .parse()
            .map_err(|e| Error::config(format!("endpoint URL `{url}` is not a URL: {e}")))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_owned(),
            _ => {
                return Err(Error::config(format!(
                    "endpoint URL `{url}` must start with http:// or https://"
                )))
            }
        };
        let (authority, host) = match (uri.authority(), uri.host()) {
            (Some(a), Some(h)) if !h.is_empty() => (a.as_str().to_owned(), h.to_owned()),
            _ => return Err(Error::config(format!("endpoint URL `{url}` has no host"))),
        };
        let path = match uri.path() {
            "" => "/".to_owned(),
            p => p.to_owned(),
        };
        let uri = format!("{scheme}://{authority}{path}")
            .parse()
            .map_err(|e| Error::config(format!("endpoint URL `{url}`: {e}")))?;
        Ok(Self {
            uri,
            scheme,
            authority,
            path,
            prefixable: allow_host_prefix && !is_loopback_or_ip(&host),
        })
    }

    /// The URI for an operation with the given host prefix.
    pub(crate) fn uri_for(&self, host_prefix: Option<&str>) -> Result<Uri, Error> {
        match host_prefix {
            Some(prefix) if self.prefixable => {
                format!("{}://{prefix}{}{}", self.scheme, self.authority, self.path)
                    .parse()
                    .map_err(|e| Error::config(format!("endpoint with host prefix: {e}")))
            }
            _ => Ok(self.uri.clone()),
        }
    }
}

fn is_loopback_or_ip(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok()
        || bare.eq_ignore_ascii_case("localhost")
        || bare.to_ascii_lowercase().ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_prefix_goes_on_named_hosts_only() {
        let aws = Endpoint::parse("https://states.us-east-1.amazonaws.com", true).unwrap();
        assert_eq!(
            aws.uri_for(Some("sync-")).unwrap().to_string(),
            "https://sync-states.us-east-1.amazonaws.com/"
        );
        let local = Endpoint::parse("http://127.0.0.1:8083", true).unwrap();
        assert_eq!(
            local.uri_for(Some("sync-")).unwrap().to_string(),
            "http://127.0.0.1:8083/"
        );
        let named = Endpoint::parse("http://localhost:8083", true).unwrap();
        assert_eq!(
            named.uri_for(Some("sync-")).unwrap().to_string(),
            "http://localhost:8083/"
        );
        let v6 = Endpoint::parse("http://[::1]:8083", true).unwrap();
        assert_eq!(v6.uri_for(Some("sync-")).unwrap().host(), Some("[::1]"));
    }

    #[test]
    fn disabled_prefix_is_not_applied() {
        let aws = Endpoint::parse("https://states.us-east-1.amazonaws.com", false).unwrap();
        assert_eq!(
            aws.uri_for(Some("sync-")).unwrap().host(),
            Some("states.us-east-1.amazonaws.com")
        );
    }

    #[test]
    fn bad_urls_are_config_errors() {
        for url in ["states.amazonaws.com", "ftp://x", "http://", "not a url"] {
            assert!(
                matches!(Endpoint::parse(url, true), Err(Error::Config { .. })),
                "{url}"
            );
        }
    }
}
