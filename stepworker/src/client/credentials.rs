//! Where the signing keys come from, and caching of refreshable ones.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
pub use aws_credential_types::Credentials;

use super::error::Error;

/// Credentials are refreshed this long before they expire, so a request
/// signed now is not rejected as expired while in flight or being retried.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The source of the keys a client signs with.
#[derive(Clone)]
#[non_exhaustive]
pub enum CredentialsSource {
    /// None configured: every call fails with [`Error::Credentials`].
    Missing {
        /// Why none were found (where the loader looked).
        reason: String,
    },
    /// Fixed keys (and session token), e.g. from the environment or a profile.
    Static(Credentials),
    /// A provider that may refresh (the `aws-config` chain: SSO, IMDS, ECS,
    /// web identity, ...). Its answers are cached until shortly before expiry.
    Provider(CachedProvider),
}

impl CredentialsSource {
    /// A source that calls `provider` and caches its answers.
    pub fn provider(provider: impl ProvideCredentials + 'static) -> Self {
        Self::Provider(CachedProvider::new(SharedCredentialsProvider::new(
            provider,
        )))
    }

    /// The credentials to sign the next request with.
    pub(crate) async fn resolve(&self) -> Result<Credentials, Error> {
        match self {
            Self::Missing { reason } => Err(Error::credentials(reason.clone())),
            Self::Static(credentials) => Ok(credentials.clone()),
            Self::Provider(cached) => cached.resolve().await,
        }
    }
}

impl fmt::Debug for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { reason } => f.debug_struct("Missing").field("reason", reason).finish(),
            // Credentials' own Debug redacts the secret and the token.
            Self::Static(credentials) => f.debug_tuple("Static").field(credentials).finish(),
            Self::Provider(cached) => f.debug_tuple("Provider").field(&cached.provider).finish(),
        }
    }
}

/// A credentials provider with a cache shared by every clone of a client.
#[derive(Clone)]
pub struct CachedProvider {
    provider: SharedCredentialsProvider,
    cache: Arc<RwLock<Option<Credentials>>>,
    refresh: Arc<tokio::sync::Mutex<()>>,
}

impl CachedProvider {
    fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            provider,
            cache: Arc::new(RwLock::new(None)),
            refresh: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    async fn resolve(&self) -> Result<Credentials, Error> {
        if let Some(fresh) = self.cached() {
            return Ok(fresh);
        }
        // One refresh at a time: the pollers of a busy worker all find the
        // cache stale at once, and the provider (IMDS, STS) should see one call.
        let _guard = self.refresh.lock().await;
        if let Some(fresh) = self.cached() {
            return Ok(fresh);
        }
        let credentials = self
            .provider
            .provide_credentials()
            .await
            .map_err(|e| Error::credentials(format!("the credentials provider failed: {e}")))?;
        if let Ok(mut slot) = self.cache.write() {
            *slot = Some(credentials.clone());
        }
        Ok(credentials)
    }

    fn cached(&self) -> Option<Credentials> {
        let slot = self.cache.read().ok()?;
        slot.as_ref().filter(|c| is_fresh(c)).cloned()
    }
}

fn is_fresh(credentials: &Credentials) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => SystemTime::now() + REFRESH_MARGIN < expiry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::future;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let creds = Credentials::new(
                format!("AKID{n}"),
                "secret",
                None,
                Some(SystemTime::now() + self.lifetime),
                "test",
            );
            future::ProvideCredentials::ready(Ok(creds))
        }
    }

    #[tokio::test]
    async fn long_lived_credentials_are_cached() {
        let calls = Arc::new(AtomicUsize::new(0));
        let source = CredentialsSource::provider(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(3600),
        });
        for _ in 0..3 {
            let creds = source.resolve().await.unwrap();
            assert_eq!(creds.access_key_id(), "AKID0");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn credentials_close_to_expiry_are_refreshed() {
        let calls = Arc::new(AtomicUsize::new(0));
        let source = CredentialsSource::provider(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(60),
        });
        source.resolve().await.unwrap();
        let second = source.resolve().await.unwrap();
        assert_eq!(second.access_key_id(), "AKID1");
    }

    #[tokio::test]
    async fn missing_credentials_say_why() {
        let source = CredentialsSource::Missing {
            reason: "no keys in env".into(),
        };
        let err = source.resolve().await.unwrap_err();
        assert!(err.to_string().contains("no keys in env"));
    }
}
