//! `eenplan cbs-export`: the CBS Beleidsinformatie Jeugd file of a half year, produced and
//! recorded as a delivery (a correction of the whole period when delivered before), as
//! the administrator's page and the API do. Audited as an export by the operator.

use anyhow::{Context, Result, bail};
use eenplan_domain::cbs::Period;
use eenplan_store::Store;
use eenplan_store::audit::Actor;
use eenplan_store::cbs::{self, Producer};

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

fn invalid(e: eenplan_domain::FieldError) -> anyhow::Error {
    anyhow::anyhow!("--{}: {}", e.field, e.message_en)
}

pub async fn run(store: &Store, args: CbsExportArgs) -> Result<()> {
    let period = Period::parse("period", &args.period).map_err(invalid)?;
    let mut tx = store.begin().await?;
    let scope = match cbs::scope(
        &mut tx,
        "municipality",
        args.municipality.as_deref().unwrap_or(""),
    )
    .await
    {
        Err(eenplan_store::Error::Invalid(e)) => return Err(invalid(e)),
        other => other?,
    };
    let name = "system:cbs-export";
    let delivery = match cbs::deliver(
        &mut tx,
        &Actor::system("cbs-export"),
        Producer {
            user_id: None,
            name,
        },
        period,
        &scope,
        eenplan_store::today(),
    )
    .await
    {
        Err(eenplan_store::Error::Invalid(e)) => bail!("--{}: {}", e.field, e.message_en),
        other => other?,
    };
    tx.commit().await?;
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
