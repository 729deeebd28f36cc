#!/usr/bin/env python3
"""Generates src/generated/*.rs from the iJw 3.2 XSDs in ../xsd.

Why a generator: 14 message schemas and the Basisschema hold some 60 complex types and
60 simple types; writing their structs, readers and writers by hand would drift from the
schemas. The output is committed, so building the crate needs no Python.

Run from the crate directory: `python3 codegen/gen.py && cargo fmt -p eenplan-ijw`.
"""
import json
import os
import re
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
XSD = os.path.join(HERE, "..", "xsd")
OUT = os.path.join(HERE, "..", "src", "generated")
X = "{http://www.w3.org/2001/XMLSchema}"
MESSAGES = ["301", "302", "305", "306", "307", "308", "315", "316", "317", "318",
            "319", "320", "323", "325"]

# Code lists kept as validated strings: LandCode has 249 values, RetourCode is a String
# in the public API (retour_codes: Vec<String>).
STRING_ENUMS = {"LDT_LandCode", "LDT_RetourCode"}
# Money is held in cents as u64; the other integers get the smallest type that fits.
MONEY = {"LDT_Bedrag", "LDT_Budget", "LDT_TotaalBedrag"}

VARIANT_NAMES = {
    "LDT_ProductCategorie": {
        "31": "WijkBuurtteam2015", "32": "AmbulantLocatieAanbieder2015",
        "33": "DaghulpLocatieAanbieder2015", "34": "NetwerkJeugdige2015",
        "35": "Pleegzorg2015", "36": "Gezinsgericht2015", "37": "GeslotenPlaatsing2015",
        "38": "OverigResidentieel2015", "43": "JeugdhulpVerblijfInclBehandeling",
        "44": "JeugdhulpVerblijfExclBehandeling",
    },
    "LDT_RedenBeeindiging": {
        "20": "TijdelijkBeeindigd", "31": "VolgensPlan", "32": "VoortijdigDoorClient",
        "33": "VoortijdigDoorAanbieder", "34": "VoortijdigInOvereenstemming",
        "35": "VoortijdigExterneOmstandigheden",
    },
    "LDT_RedenWijziging": {"01": "AdministratieveCorrectieVervallen",
                           "04": "VerlengingToewijzing", "05": "VerkortingToewijzing",
                           "10": "NieuweBekostigingssystematiek"},
    "LDT_Frequentie": {"6": "TotaalBinnenGeldigheidsduur"},
    "LDT_AdresSoort": {"01": "BrpAdres"},
    "LDT_RedenAfwijzingVerzoek": {"1": "GeenWijzigingNieuweAanvraag"},
    "LDT_JuridischeStatus": {"01": "RechterlijkeMachtiging", "02": "RmOpEigenVerzoek",
                             "03": "RmVoorwaardelijkOntslag", "11": "StrafrechtelijkTbs",
                             "12": "StrafrechtelijkOverig"},
    "LDT_NaamGebruik": {"2": "NaamPartner", "3": "NaamPartnerEigenNaam",
                        "4": "EigenNaamNaamPartner"},
    "LDT_TypeVerwijzer": {"08": "RechterOfficierJustitie", "06": "ZelfverwijzerGeenVerwijzer"},
    "LDT_DatumGebruik": {"1": "DagOnbekend", "2": "DagEnMaandOnbekend", "3": "DatumOnbekend"},
    "LDT_DebetCredit": {"C": "Credit", "D": "Debet"},
    "LDT_SoortRelatie": {"12": "PartnerEchtgenoot", "16": "ZoonDochter", "20": "VriendKennis"},
}


def snake(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s).lower()
    return "r#type" if s == "type" else s


def camel_from_doc(doc):
    words = re.findall(r"[A-Za-z0-9]+", doc.replace("'", ""))
    words = [w for w in words if w.lower() not in ("de", "het", "een", "van", "of")] or words
    return "".join(w[:1].upper() + w[1:] for w in words[:4])


def rust_type_name(ldt_or_cdt):
    n = ldt_or_cdt.split(":")[-1]
    n = re.sub(r"^(LDT|CDT)_", "", n)
    return n.replace("DC", "Dc")


class Schema:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.tns = self.root.get("targetNamespace")
        self.complex = {c.get("name"): c for c in self.root.findall(X + "complexType")}
        self.simple = {s.get("name"): s for s in self.root.findall(X + "simpleType")}


base = Schema(os.path.join(XSD, "Basisschema.xsd"))
BASE_NS = base.tns

PATTERNS = {
    "[0-9]{8}": "crate::xml::Pattern::Digits(8)",
    "[0-9]{9}": "crate::xml::Pattern::Digits(9)",
    "[0-9]{4}": "crate::xml::Pattern::Digits(4)",
    "[0-9]*": "crate::xml::Pattern::DigitsAny",
    "([.\\s]*\\S+[.\\s]*)+": "crate::xml::Pattern::HasNonSpace",
    ".*[^\\s].*": "crate::xml::Pattern::LineWithNonSpace",
    "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)": "crate::xml::Pattern::Version",
    "([a-zA-ZÀ-ỳ])+": "crate::xml::Pattern::Letters",
    "([a-zA-Z0-9])+": "crate::xml::Pattern::Alphanumeric",
}


def facets(restr):
    f = {}
    for c in restr:
        tag = c.tag.replace(X, "")
        if tag in ("annotation",):
            continue
        f.setdefault(tag, []).append(c.get("value"))
    return f


# ---------------------------------------------------------------- simple types
class Simple:
    """How one LDT maps to Rust: its type, the reader function and the lexical writer."""

    def __init__(self, name, rust, reader):
        self.name, self.rust, self.reader = name, rust, reader


simple_out = []  # Rust source for validators / enums
enum_out = []
SIMPLE = {}


def gen_simple(name, st):
    r = st.find(X + "restriction")
    b = r.get("base")
    f = facets(r)
    fn = "ldt_" + snake(rust_type_name(name)).replace("r#", "")
    if "enumeration" in f and name not in STRING_ENUMS:
        tname = rust_type_name(name)
        variants = []
        used = set()
        for e in r.findall(X + "enumeration"):
            code = e.get("value")
            d = e.find(X + "annotation/" + X + "documentation")
            doc = (d.text or "").strip() if d is not None else code
            vn = VARIANT_NAMES.get(name, {}).get(code) or camel_from_doc(doc) or ("C" + code)
            if vn[0].isdigit():
                vn = "C" + vn
            while vn in used:
                vn += code
            used.add(vn)
            variants.append((code, vn, doc))
        d = st.find(X + "annotation/" + X + "documentation")
        tdoc = (d.text or "").strip() if d is not None else ""
        src = [f"/// {tdoc}", f"///", f"/// Code list `{name}` of the Basisschema.",
               "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]",
               f"pub enum {tname} {{"]
        for code, vn, doc in variants:
            src.append(f"    /// `{code}`: {doc}")
            src.append(f"    {vn},")
        src.append("}")
        src.append(f"impl {tname} {{")
        src.append(f"    /// Every value, in code-list order.")
        src.append(f"    pub const ALL: &'static [Self] = &[{', '.join('Self::' + v for _, v, _ in variants)}];")
        src.append("    /// The code as it appears in a message.")
        src.append("    pub fn code(self) -> &'static str { match self {")
        for code, vn, _ in variants:
            src.append(f'        Self::{vn} => "{code}",')
        src.append("    } }")
        src.append("    /// The value for a code; `None` when the code is not in the list.")
        src.append("    pub fn from_code(code: &str) -> Option<Self> { match code {")
        for code, vn, _ in variants:
            src.append(f'        "{code}" => Some(Self::{vn}),')
        src.append("        _ => None, } }")
        src.append("    /// The code list's description of the value (Dutch).")
        src.append("    pub fn description(self) -> &'static str { match self {")
        for code, vn, doc in variants:
            src.append(f'        Self::{vn} => {json.dumps(doc, ensure_ascii=False)},')
        src.append("    } }")
        src.append("}")
        src.append(f"impl crate::xml::Lexical for {tname} {{ fn lexical(&self) -> std::borrow::Cow<'_, str> {{ self.code().into() }} }}")
        src.append(f"pub(crate) fn {fn}(s: &str) -> Result<{tname}, String> {{")
        codes = ", ".join(c for c, _, _ in variants)
        src.append(f'    {tname}::from_code(s).ok_or_else(|| format!("{{s:?}} is not in code list {name[4:]} ({codes})"))')
        src.append("}")
        enum_out.append("\n".join(src))
        SIMPLE[name] = Simple(name, f"crate::codes::{tname}", f"crate::codes::{fn}")
        return
    checks = []
    if b == "xs:integer":
        lo, hi = int(f["minInclusive"][0]), int(f["maxInclusive"][0])
        rust = "u64" if name in MONEY or hi > 4294967295 else ("u8" if hi <= 255 else "u32")
        simple_out.append(
            f"pub(crate) fn {fn}(s: &str) -> Result<{rust}, String> {{ crate::xml::integer(s, {lo}, {hi}).map(|v| v as {rust}) }}")
        SIMPLE[name] = Simple(name, rust, "crate::types::" + fn)
        return
    if b == "xs:date":
        SIMPLE[name] = Simple(name, "chrono::NaiveDate", "crate::xml::date")
        return
    if b == "xs:time":
        SIMPLE[name] = Simple(name, "chrono::NaiveTime", "crate::xml::time")
        return
    assert b == "xs:string", (name, b)
    for k, vals in f.items():
        if k == "minLength":
            checks.append(f"crate::xml::min_length(s, {vals[0]})?;")
        elif k == "maxLength":
            checks.append(f"crate::xml::max_length(s, {vals[0]})?;")
        elif k == "pattern":
            checks.append(f"crate::xml::pattern(s, {PATTERNS[vals[0]]})?;")
        elif k == "enumeration":
            const = fn.upper() + "_CODES"
            simple_out.append(f"/// The values of code list `{name}`.\npub const {const[4:]}: &[&str] = &[{', '.join(repr(v).replace(chr(39), chr(34)) for v in vals)}];")
            checks.append(f'if !{const[4:]}.contains(&s) {{ return Err(format!("{{s:?}} is not in code list {name[4:]}")); }}')
        else:
            raise Exception((name, k))
    simple_out.append(f"pub(crate) fn {fn}(s: &str) -> Result<String, String> {{ {' '.join(checks)} Ok(s.to_owned()) }}")
    SIMPLE[name] = Simple(name, "String", "crate::types::" + fn)


for n, st in base.simple.items():
    gen_simple(n, st)


# ---------------------------------------------------------------- complex types
class Field:
    def __init__(self, el, schema, owner_ns):
        self.xml = el.get("name")
        self.name = snake(self.xml)
        self.ns_const = "NS" if owner_ns != BASE_NS else "crate::types::NS"
        self.prefix = "P" if owner_ns != BASE_NS else '"ijw"'
        self.min = el.get("minOccurs", "1")
        self.max = el.get("maxOccurs", "1")
        self.type = el.get("type")
        self.anon = None
        if self.type is None:
            r = el.find(X + "simpleType/" + X + "restriction")
            self.anon = (r.get("base"), facets(r))


def is_wrapper(ct):
    seq = ct.find(X + "sequence")
    els = seq.findall(X + "element")
    return len(els) == 1 and els[0].get("maxOccurs") == "unbounded"


def gen_struct(name, ct, schema, mod, rust_name, out):
    """Emits struct `rust_name` with read/write for complex type `name`."""
    seq = ct.find(X + "sequence")
    d = ct.find(X + "annotation/" + X + "documentation")
    fields = []
    lines_struct = []
    lines_read = []
    lines_write = []
    for el in seq.findall(X + "element"):
        f = Field(el, schema, schema.tns)
        ty, read, write = resolve(f, schema, mod)
        opt = f.min == "0"
        ed = el.find(X + "annotation/" + X + "documentation")
        if ed is not None and ed.text:
            lines_struct.append(f"    /// `{f.xml}`: {' '.join(ed.text.split())}")
        else:
            lines_struct.append(f"    /// `{f.xml}`")
        kind = ty[0]
        if kind == "header":
            lines_struct.append(f"    pub header: crate::Header,")
            lines_read.append(f"let header = crate::header::read(c.req(NS, \"Header\")?, crate::MessageType::{mod.capitalize()})?;")
            lines_write.append(f"crate::header::write(&self.header, w, crate::MessageType::{mod.capitalize()});")
            fields.append("header")
            continue
        if kind == "list":
            _, inner_ty, wrapper_xml, item_ns, item_xml, item_prefix, item_read, item_write = ty
            lines_struct.append(f"    pub {f.name}: Vec<{inner_ty}>,")
            lines_read.append(
                f"let {f.name} = crate::xml::read_list(&mut c, {f.ns_const}, \"{wrapper_xml}\", {item_ns}, \"{item_xml}\", {'false' if opt else 'true'}, {item_read})?;")
            lines_write.append(
                f"crate::xml::write_list(w, {f.prefix}, \"{wrapper_xml}\", {item_prefix}, \"{item_xml}\", &self.{f.name}, {'false' if opt else 'true'}, {item_write});")
        else:
            k, rty, rfn, wexpr = ty
            simple = k == "simple"
            lines_struct.append(f"    pub {f.name}: {'Option<' + rty + '>' if opt else rty},")
            if opt:
                m = f"|e| crate::xml::value(e, {rfn})" if simple else rfn
                lines_read.append(f"let {f.name} = c.opt({f.ns_const}, \"{f.xml}\").map({m}).transpose()?;")
                lines_write.append(f"if let Some(v) = &self.{f.name} {{ {wexpr.format(v='v', p=f.prefix, x=f.xml)} }}")
            else:
                if simple:
                    lines_read.append(f"let {f.name} = crate::xml::value(c.req({f.ns_const}, \"{f.xml}\")?, {rfn})?;")
                else:
                    lines_read.append(f"let {f.name} = {rfn}(c.req({f.ns_const}, \"{f.xml}\")?)?;")
                lines_write.append(wexpr.format(v="&self." + f.name, p=f.prefix, x=f.xml) )
        fields.append(f.name)
    doc = (d.text or "").strip() if d is not None else ""
    src = []
    if doc:
        src.append(f"/// {' '.join(doc.split())}")
        src.append("///")
    src.append(f"/// XSD type `{name}`{' of ' + mod.upper() if mod != 'types' else ''}.")
    src.append("#[derive(Debug, Clone, PartialEq)]")
    src.append(f"pub struct {rust_name} {{")
    src += lines_struct
    src.append("}")
    src.append(f"impl {rust_name} {{")
    src.append(f"    pub(crate) fn read(el: crate::xml::El<'_, '_>) -> Result<Self, crate::ParseError> {{")
    src.append("        let mut c = crate::xml::Children::of(el)?;")
    src += ["        " + l for l in lines_read]
    src.append("        c.end()?;")
    src.append(f"        Ok(Self {{ {', '.join(fields)} }})")
    src.append("    }")
    src.append("    #[allow(clippy::needless_borrow)]")
    src.append(f"    pub(crate) fn write(&self, w: &mut crate::xml::Writer) {{")
    src += ["        " + l for l in lines_write]
    src.append("    }")
    src.append("}")
    out.append("\n".join(src))


def simple_write(rty):
    return "w.leaf({p}, \"{x}\", &crate::xml::Lexical::lexical({v}));"


def resolve(f, schema, mod):
    """Returns (kind, ...) for a field."""
    if f.xml == "Header" and mod != "types":
        return ("header",), None, None
    if f.anon:
        base_t, fc = f.anon
        bn = base_t.split(":")[1]
        if bn in ("LDT_BerichtCode", "LDT_BerichtVersie", "LDT_BerichtSubversie"):
            raise Exception("header field outside header")
        # DeclaratieNummer: base type plus a pattern.
        s = SIMPLE[bn]
        pat = PATTERNS[fc["pattern"][0]]
        rfn = f"|s: &str| {{ let v = {s.reader}(s)?; crate::xml::pattern(&v, {pat})?; Ok(v) }}"
        return ("simple", s.rust, rfn, simple_write(s.rust)), None, None
    t = f.type
    pfx, local = t.split(":")
    if local in base.simple:
        s = SIMPLE[local]
        return ("simple", s.rust, s.reader, simple_write(s.rust)), None, None
    if pfx == "ijw":
        rn = "crate::types::" + rust_type_name(local)
        return ("complex", rn, f"{rn}::read", "({v}).write_el(w, {p}, \"{x}\");"), None, None
    ct = schema.complex[local]
    if is_wrapper(ct):
        item = ct.find(X + "sequence").find(X + "element")
        itf = Field(item, schema, schema.tns)
        (ity, _, _) = resolve(itf, schema, mod)
        if ity[0] == "simple":
            inner = ity[1]
            iread = f"|e| crate::xml::value(e, {ity[2]})"
            iwrite = "|w, p, x, v| w.leaf(p, x, &crate::xml::Lexical::lexical(v))"
        else:
            inner = ity[1]
            iread = ity[2]
            iwrite = "|w, p, x, v| v.write_el(w, p, x)"
        return ("list", inner, f.xml, itf.ns_const, itf.xml, itf.prefix, iread, iwrite), None, None
    rn = local
    return ("complex", rn, f"{rn}::read", "({v}).write_el(w, {p}, \"{x}\");"), None, None


HEADER = "#![allow(clippy::all)]\n// @generated by codegen/gen.py from the iJw 3.2 XSDs; do not edit by hand.\n"

# types.rs: CDT structs + LDT validators
types_out = ["//! Shared data types of the Basisschema (CDT_* structs, LDT_* checks).\n" + HEADER + "use crate::xml::WriteEl;\n",
             f'/// Namespace of the Basisschema.\npub const NS: &str = "{BASE_NS}";']
types_out += simple_out
for n, ct in base.complex.items():
    gen_struct(n, ct, base, "types", rust_type_name(n), types_out)
    types_out.append(f"impl crate::xml::WriteEl for {rust_type_name(n)} {{ fn write_inner(&self, w: &mut crate::xml::Writer) {{ self.write(w) }} }}")
open(os.path.join(OUT, "types.rs"), "w").write("\n\n".join(types_out) + "\n")
open(os.path.join(OUT, "codes.rs"), "w").write("//! Code lists of the Basisschema as enums.\n" + HEADER + "\n" + "\n\n".join(enum_out) + "\n")

for m in MESSAGES:
    sch = Schema(os.path.join(XSD, f"JW{m}.xsd"))
    mod = f"jw{m}"
    out = [f"//! Message JW{m} (namespace `{sch.tns}`).\n" + HEADER + "use crate::xml::WriteEl;\n",
           f'/// Namespace of JW{m}.\npub const NS: &str = "{sch.tns}";',
           f'pub(crate) const P: &str = "{mod}";']
    for n, ct in sch.complex.items():
        if n == "Header" or is_wrapper(ct):
            continue
        rn = f"Jw{m}" if n == "Root" else n
        gen_struct(n, ct, sch, mod, rn, out)
        out.append(f"impl crate::xml::WriteEl for {rn} {{ fn write_inner(&self, w: &mut crate::xml::Writer) {{ self.write(w) }} }}")
    open(os.path.join(OUT, f"{mod}.rs"), "w").write("\n\n".join(out) + "\n")

mods = ["codes", "types"] + [f"jw{m}" for m in MESSAGES]
open(os.path.join(OUT, "mod.rs"), "w").write(
    "// @generated by codegen/gen.py; do not edit by hand.\n" + "".join(f"pub mod {m};\n" for m in mods))
