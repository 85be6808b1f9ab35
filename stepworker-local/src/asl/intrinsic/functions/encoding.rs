//! Encoding intrinsics: Base64Encode, Base64Decode and Hash.

use base64::Engine as _;
use serde_json::Value;

use super::args;
use crate::asl::intrinsic::error::IntrinsicError;

/// AWS limits the input of the encoding and hash intrinsics to 10,000 characters.
const MAX_INPUT_CHARS: usize = 10_000;

fn limited<'a>(name: &str, a: &'a [Value]) -> Result<&'a str, IntrinsicError> {
    let text = args::string(name, a, 0)?;
    if text.chars().count() > MAX_INPUT_CHARS {
        return Err(IntrinsicError::new(format!(
            "{name}: the input must be at most {MAX_INPUT_CHARS} characters"
        )));
    }
    Ok(text)
}

/// `States.Base64Encode(string)`.
pub fn base64_encode(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let text = limited(name, a)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
    ))
}

/// `States.Base64Decode(string)`: the decoded bytes must be UTF-8.
pub fn base64_decode(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let text = limited(name, a)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| IntrinsicError::new(format!("{name}: the input is not valid base64: {e}")))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| IntrinsicError::new(format!("{name}: the decoded data is not UTF-8 text")))
}

/// `States.Hash(data, algorithm)`: lowercase hex digest of `data`.
pub fn hash(name: &str, a: &[Value]) -> Result<Value, IntrinsicError> {
    let data = limited(name, a)?.as_bytes();
    let algorithm = args::string(name, a, 1)?;
    let digest = match algorithm {
        "MD5" => {
            use md5::Digest as _;
            hex::encode(md5::Md5::digest(data))
        }
        "SHA-1" => {
            use sha1::Digest as _;
            hex::encode(sha1::Sha1::digest(data))
        }
        "SHA-256" => {
            use sha2::Digest as _;
            hex::encode(sha2::Sha256::digest(data))
        }
        "SHA-384" => {
            use sha2::Digest as _;
            hex::encode(sha2::Sha384::digest(data))
        }
        "SHA-512" => {
            use sha2::Digest as _;
            hex::encode(sha2::Sha512::digest(data))
        }
        other => {
            return Err(IntrinsicError::new(format!(
                "{name}: unsupported algorithm '{other}' (MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"
            )))
        }
    };
    Ok(Value::String(digest))
}
