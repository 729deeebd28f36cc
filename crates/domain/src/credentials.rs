//! Credentials: argon2id password hashes and TOTP second factors (RFC 6238, 30 s, 6
//! digits, SHA-1: what every authenticator app supports).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use totp_rs::{Algorithm as TotpAlgorithm, Secret, TOTP};

/// The issuer shown in authenticator apps.
pub const TOTP_ISSUER: &str = "eenplan";

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Verifies against a stored PHC string. A malformed stored hash never verifies.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so the answer takes as long
/// as for a real account and does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no-such-account-placeholder"))
}

/// A new random TOTP secret, base32.
pub fn new_totp_secret() -> String {
    Secret::generate_secret().to_encoded().to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let secret = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    TOTP::new(
        TotpAlgorithm::SHA1,
        6,
        1,
        30,
        secret,
        Some(TOTP_ISSUER.to_owned()),
        account.to_owned(),
    )
    .ok()
}

/// The `otpauth://` URI an authenticator app enrols from.
pub fn totp_uri(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The code for a given unix time (used for the demo login list and tests).
pub fn totp_code(secret_b32: &str, unix_time: u64) -> Option<String> {
    totp(secret_b32, "code").map(|t| t.generate(unix_time))
}

/// Checks a code against the current step and one step either side (clock skew). Returns
/// the matched time step, so the caller can refuse a replay of an already used code.
pub fn check_totp(secret_b32: &str, code: &str, unix_time: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "check")?;
    let step = unix_time / 30;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .find(|s| t.generate(s * 30) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trip() {
        let h = hash_password("fiets-wolk-zeef-tractor");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("fiets-wolk-zeef-tractor", &h));
        assert!(!verify_password("fiets-wolk-zeef-tractoR", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn totp_accepts_current_and_adjacent_steps_only() {
        let secret = new_totp_secret();
        let now = 1_800_000_000;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(check_totp(&secret, &code, now), Some(now / 30));
        assert!(check_totp(&secret, &code, now + 30).is_some());
        assert!(check_totp(&secret, &code, now + 120).is_none());
        assert!(check_totp(&secret, "12345", now).is_none());
        assert!(
            totp_uri(&secret, "anna")
                .unwrap()
                .starts_with("otpauth://totp/")
        );
    }
}
