//! `eenplan cbs-export`: the CBS Beleidsinformatie Jeugd file of a half year, produced and
//! recorded as a delivery (a correction of the whole period when delivered before), as
//! the administrator's page and the API do. Audited as an export by the operator.

use anyhow::{Context, Result};
use eenplan_app::cbs;
use eenplan_store::Store;

#[derive(clap::Args)]
pub struct CbsExportArgs {
    /// The half year: YYYY-1 (January to June) or YYYY-2 (July to December); only a
    /// period that has ended.
    #[arg(long)]
    period: String,
    /// A municipality's CBS code (e.g. 0988); all municipalities of the region when left
    /// out (the file CBS expects).
    #[arg(long)]
    municipality: Option<String>,
    /// Write the file here instead of to standard output.
    #[arg(long)]
    output: Option<std::path::PathBuf>,
}

/// A problem named as the option it came from: `--period: ...`.
fn invalid(e: eenplan_app::Error) -> anyhow::Error {
    match e {
        eenplan_app::Error::Invalid(problems) => anyhow::anyhow!(
            "{}",
            problems
                .iter()
                .map(|p| format!("--{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(store: &Store, args: CbsExportArgs) -> Result<()> {
    let municipality = args.municipality.as_deref().unwrap_or("");
    let (period, scope) =
        cbs::parse_request(store, "period", &args.period, "municipality", municipality)
            .await
            .map_err(invalid)?;
    let delivery = cbs::deliver(store, None, period, &scope)
        .await
        .map_err(invalid)?;
    let s = &delivery.summary;
    match &args.output {
        Some(path) => std::fs::write(path, &delivery.content).with_context(|| {
            format!(
                "writing {} (the delivery is recorded; download it from /cbs)",
                path.display()
            )
        })?,
        None => print!("{}", delivery.content),
    }
    eprintln!(
        "CBS delivery {} {} number {}: {} records, sha256 {}{}",
        s.period,
        s.scope,
        s.number,
        s.record_count,
        s.sha256,
        args.output
            .as_ref()
            .map(|p| format!(", written to {}", p.display()))
            .unwrap_or_default()
    );
    Ok(())
}
