//! XSD validation with libxml2's `xmllint`, for tests here and in other crates: an
//! independent validator catches what our own parser and writer might both get wrong.
//! It shells out on purpose; production code never calls it.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the schemas live (`<crate>/xsd`).
pub fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("xsd")
}

/// Validates `xml` against the schema of its root namespace with
/// `xmllint --noout --schema`. Errors carry xmllint's output. When xmllint is missing
/// it says how to install it, so tests fail instead of silently skipping.
pub fn validate(xml: &str) -> Result<(), String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not well-formed: {e}"))?;
    let ns = doc.root_element().tag_name().namespace().unwrap_or("");
    let mt = crate::MessageType::ALL
        .into_iter()
        .find(|t| t.namespace() == ns)
        .ok_or_else(|| format!("no schema for namespace {ns:?}"))?;
    let schema = schema_dir().join(format!("{}.xsd", mt.name()));

    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let file = std::env::temp_dir().join(format!(
        "eenplan-ijw-{}-{}.xml",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, xml).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    let out = match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("xmllint not found: install Debian's libxml2-utils".to_owned());
        }
        Err(e) => return Err(format!("cannot run xmllint: {e}")),
    };
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
