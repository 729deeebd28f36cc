//! `problem-areas`: the primary problem area of the period's registrations (domain
//! brief, section 3.1, "Top-10 problem areas 2018").

use crate::shares::{self, Shares};
use crate::{Chart, Definition};
use eenplan_domain::codes::CodeList;

pub const REPORT: Definition = Definition {
    name: "problem-areas",
    title_nl: "Probleemgebieden",
    title_en: "Problem areas",
    about_nl: "Aanmeldingen in de periode per primair probleemgebied; het percentage is van de aanmeldingen met een bekend probleemgebied.",
    about_en: "Registrations in the period per primary problem area; the percentage is of the registrations with a known problem area.",
    chart: Chart::Bars {
        label: "problem_area",
        values: &["count"],
        totals: false,
    },
    by_area: false,
    compute: |s, p| {
        Box::pin(shares::compute(
            s,
            p,
            Shares {
                key: "problem_area",
                label_nl: "Probleemgebied",
                label_en: "Problem area",
                list: CodeList::ProblemArea,
                table: "agg_problem_areas",
                code: "problem_area",
            },
        ))
    },
};
