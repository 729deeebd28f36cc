//! Password policy (OWASP ASVS 4.0.3, 2.1): at least 12 characters, at most 128, and not a
//! common or easily guessed password. The guessability check uses zxcvbn, whose
//! dictionaries hold the well-known lists of common passwords.

use crate::FieldError;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

pub fn check(field: &'static str, password: &str, user_inputs: &[&str]) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(FieldError::new(
            field,
            format!("Het wachtwoord moet minstens {MIN_LEN} tekens lang zijn."),
            format!("The password must be at least {MIN_LEN} characters long."),
        ));
    }
    if len > MAX_LEN {
        return Err(FieldError::new(
            field,
            format!("Het wachtwoord mag hoogstens {MAX_LEN} tekens lang zijn."),
            format!("The password must be at most {MAX_LEN} characters long."),
        ));
    }
    let score = zxcvbn::zxcvbn(password, user_inputs).score();
    if (score as u8) < 3 {
        return Err(FieldError::new(
            field,
            "Dit wachtwoord is te gangbaar of te makkelijk te raden. Kies bijvoorbeeld een zin van vier of meer losse woorden.",
            "This password is too common or too easy to guess. Try, for example, a phrase of four or more unrelated words.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_and_common_passwords() {
        assert!(check("pw", "kort", &[]).is_err());
        assert!(check("pw", "password1234", &[]).is_err());
        assert!(check("pw", "123456789012", &[]).is_err());
        assert!(check("pw", "qwertyuiopasdf", &[]).is_err());
        assert!(check("pw", "irisvermeulen1", &["irisvermeulen"]).is_err());
    }

    #[test]
    fn accepts_a_long_unusual_phrase() {
        assert!(check("pw", "fiets-wolk-zeef-tractor", &[]).is_ok());
        assert!(check("pw", &"x".repeat(200), &[]).is_err());
    }
}
