//! Where the signing keys come from, and caching of refreshable ones.

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
pub use aws_credential_types::Credentials;

use super::error::{error_chain, Error};

/// Credentials are refreshed this long before they expire, so a request
/// signed now is not rejected as expired while in flight or being retried.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Keys this close to their expiry are no longer used, even when a refresh
/// failed: a request signed now must still be valid when it arrives.
const EXPIRY_SAFETY: Duration = Duration::from_secs(10);
/// Time limit of one call to the provider. The AWS SDKs' identity cache
/// derives its limit from the provider's own retries (3 attempts of up to
/// twice the 3.1 s connect timeout, plus backoff: about 20 s); a provider that
/// takes longer is stuck, not slow.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(20);
/// After a failed refresh, keys that are still valid are used this long
/// before the provider is asked again.
const RETRY_FAILED_REFRESH_AFTER: Duration = Duration::from_secs(10);

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
///
/// One refresh at a time; while one runs, other calls keep signing with the
/// current keys if those have not expired. A refresh that fails or takes
/// longer than its timeout leaves the current keys in use until they
/// expire (with a warning), and is tried again ten seconds later, so a brief
/// outage of IMDS or STS does not fail a fleet's calls.
#[derive(Clone)]
pub struct CachedProvider {
    provider: SharedCredentialsProvider,
    cache: Arc<RwLock<Option<Credentials>>>,
    refresh: Arc<tokio::sync::Mutex<()>>,
    last_failure: Arc<Mutex<Option<Instant>>>,
    timeout: Duration,
}

impl CachedProvider {
    fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            provider,
            cache: Arc::new(RwLock::new(None)),
            refresh: Arc::new(tokio::sync::Mutex::new(())),
            last_failure: Arc::new(Mutex::new(None)),
            timeout: PROVIDER_TIMEOUT,
        }
    }

    /// The same provider with another time limit for one call to it.
    #[cfg(test)]
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn resolve(&self) -> Result<Credentials, Error> {
        let current = self.current();
        if let Some(fresh) = current.clone().filter(is_fresh) {
            return Ok(fresh);
        }
        let usable = current.filter(is_unexpired);
        // The pollers of a busy worker all find the cache stale at once; the
        // provider (IMDS, STS) should see one call, and callers with usable
        // keys should not queue behind it.
        let _guard = match (self.refresh.try_lock(), &usable) {
            (Ok(guard), _) => guard,
            (Err(_), Some(usable)) => return Ok(usable.clone()),
            (Err(_), None) => self.refresh.lock().await,
        };
        if let Some(fresh) = self.current().filter(is_fresh) {
            return Ok(fresh);
        }
        if let Some(usable) = &usable {
            if self.failed_recently() {
                return Ok(usable.clone());
            }
        }
        let outcome = tokio::time::timeout(self.timeout, self.provider.provide_credentials()).await;
        let problem = match outcome {
            Ok(Ok(credentials)) => {
                if let Ok(mut slot) = self.cache.write() {
                    *slot = Some(credentials.clone());
                }
                *self.failure_slot() = None;
                return Ok(credentials);
            }
            Ok(Err(e)) => format!("the credentials provider failed: {}", error_chain(&e)),
            Err(_) => format!(
                "the credentials provider gave no answer within {:?}",
                self.timeout
            ),
        };
        *self.failure_slot() = Some(Instant::now());
        match usable {
            Some(usable) => {
                tracing::warn!(%problem, expiry = ?usable.expiry(), "refreshing credentials failed; signing with the current ones until they expire");
                Ok(usable)
            }
            None => Err(Error::credentials(problem)),
        }
    }

    fn current(&self) -> Option<Credentials> {
        self.cache.read().ok()?.clone()
    }

    fn failure_slot(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.last_failure.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn failed_recently(&self) -> bool {
        self.failure_slot()
            .is_some_and(|at| at.elapsed() < RETRY_FAILED_REFRESH_AFTER)
    }
}

/// Keys that need no refresh yet.
fn is_fresh(credentials: &Credentials) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => SystemTime::now() + REFRESH_MARGIN < expiry,
    }
}

/// Keys the service still accepts.
fn is_unexpired(credentials: &Credentials) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => SystemTime::now() + EXPIRY_SAFETY < expiry,
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

    /// What a scripted provider does on each call, in order (the last
    /// step repeats).
    #[derive(Clone, Copy, Debug)]
    enum Step {
        Keys { lifetime: Duration },
        Fail,
        Hang,
    }

    #[derive(Debug)]
    struct Scripted {
        steps: Vec<Step>,
        calls: Arc<AtomicUsize>,
    }

    impl ProvideCredentials for Scripted {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let step = self.steps[n.min(self.steps.len() - 1)];
            future::ProvideCredentials::new(async move {
                match step {
                    Step::Keys { lifetime } => Ok(Credentials::new(
                        format!("AKID{n}"),
                        "secret",
                        None,
                        Some(SystemTime::now() + lifetime),
                        "test",
                    )),
                    Step::Fail => Err(
                        aws_credential_types::provider::error::CredentialsError::provider_error(
                            "IMDS unreachable",
                        ),
                    ),
                    Step::Hang => std::future::pending().await,
                }
            })
        }
    }

    fn scripted(steps: Vec<Step>) -> (CachedProvider, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let provider = CachedProvider::new(SharedCredentialsProvider::new(Scripted {
            steps,
            calls: calls.clone(),
        }));
        (provider, calls)
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_refresh_keeps_signing_with_keys_that_are_still_valid() {
        // Two minutes left: inside the refresh margin, not expired.
        let (provider, calls) = scripted(vec![
            Step::Keys {
                lifetime: Duration::from_secs(120),
            },
            Step::Fail,
        ]);
        assert_eq!(provider.resolve().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(provider.resolve().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the refresh was tried");
        // Not asked again at once after a failure...
        provider.resolve().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // ...but again after a while.
        tokio::time::advance(RETRY_FAILED_REFRESH_AFTER).await;
        provider.resolve().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_provider_times_out_with_a_credentials_error() {
        let (provider, _) = scripted(vec![Step::Hang]);
        let provider = provider.with_timeout(Duration::from_secs(3));
        let err = provider.resolve().await.unwrap_err();
        assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
        assert!(err.to_string().contains("within 3s"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_refresh_still_leaves_valid_keys_in_use() {
        let (provider, calls) = scripted(vec![
            Step::Keys {
                lifetime: Duration::from_secs(120),
            },
            Step::Hang,
        ]);
        provider.resolve().await.unwrap();
        let start = Instant::now();
        let creds = provider.resolve().await.unwrap();
        assert_eq!(creds.access_key_id(), "AKID0");
        assert_eq!(start.elapsed(), PROVIDER_TIMEOUT);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn expired_keys_are_not_used_when_the_refresh_fails() {
        let (provider, _) = scripted(vec![
            Step::Keys {
                lifetime: Duration::from_secs(5),
            },
            Step::Fail,
        ]);
        provider.resolve().await.unwrap();
        let err = provider.resolve().await.unwrap_err();
        assert!(err.to_string().contains("IMDS unreachable"), "{err}");
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
