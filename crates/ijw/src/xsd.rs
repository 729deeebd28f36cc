//! XSD validation by libxml2's `xmllint`, for tests (here and in other crates).
pub fn validate(_xml: &str) -> Result<(), String> {
    Err("not yet".into())
}
