//! `referral-channels`: who referred the period's registrations (domain brief, section
//! 3.1, "Referral channels in 2018").

use crate::shares::{self, Shares};
use crate::{Chart, Definition};
use eenplan_domain::codes::CodeList;

pub const REPORT: Definition = Definition {
    name: "referral-channels",
    title_nl: "Verwijskanalen",
    title_en: "Referral channels",
    about_nl: "Aanmeldingen in de periode per verwijzer; het percentage is van de aanmeldingen met een bekend verwijskanaal.",
    about_en: "Registrations in the period per referral channel; the percentage is of the registrations with a known channel.",
    chart: Chart::Bars {
        label: "channel",
        values: &["count"],
        totals: false,
    },
    by_area: false,
    compute: |s, p| {
        Box::pin(shares::compute(
            s,
            p,
            Shares {
                key: "channel",
                label_nl: "Verwijskanaal",
                label_en: "Referral channel",
                list: CodeList::ReferralChannel,
                table: "agg_registrations",
                code: "referral_channel",
            },
        ))
    },
};
