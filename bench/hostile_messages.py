#!/usr/bin/env python3
"""Writes invented iJw messages for bench/hostile.sh.

  hostile_messages.py declaration SIZE_MB FILE   a JW323 of about SIZE_MB from the demo
                                                 provider (AGB 75750102) to Leudal (1640):
                                                 many clients with one delivered product
                                                 each, test-range BSNs
  hostile_messages.py deep DEPTH FILE            a JW315 with DEPTH nested elements
  hostile_messages.py wide ATTRS FILE            a JW315 whose Client has ATTRS attributes
"""
import datetime
import sys

NS = ('xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" '
      'xmlns:{p}="http://www.istandaarden.nl/ijw/3_2/{p}/schema"')


def header(p, code, ident):
    today = datetime.date.today().isoformat()
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{p}:Bericht {NS.format(p=p)}>\n'
            f'<{p}:Header><{p}:BerichtCode>{code}</{p}:BerichtCode><{p}:BerichtVersie>3</{p}:BerichtVersie>'
            f'<{p}:BerichtSubversie>2</{p}:BerichtSubversie><{p}:Afzender>75750102</{p}:Afzender>'
            f'<{p}:Ontvanger>1640</{p}:Ontvanger><{p}:BerichtIdentificatie><ijw:Identificatie>{ident}</ijw:Identificatie>'
            f'<ijw:Dagtekening>{today}</ijw:Dagtekening></{p}:BerichtIdentificatie><{p}:XsdVersie>'
            f'<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>'
            f'</{p}:XsdVersie></{p}:Header>\n')


def bsns():
    """Test-range BSNs (999900006..999999990) that pass the 11-check, over and over."""
    n = 99990000
    while True:
        n = n + 1 if n < 99999998 else 99990001
        digits = [int(d) for d in f"{n:08d}"]
        s = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        last = s % 11
        if last < 10:
            yield f"{n:08d}{last}"


def declaration(size, ident):
    month = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    start, end = month.replace(day=1).isoformat(), month.isoformat()
    clients, total, gen, i = [], 0, bsns(), 0
    body = 0
    # A little under the size asked for, so 25 stays within the standard's 25 MiB.
    while body < size - 4096:
        i += 1
        c = (f'<jw323:Client><jw323:Bsn>{next(gen)}</jw323:Bsn><jw323:Prestaties><jw323:Prestatie>'
             f'<jw323:ProductReferentie><ijw:ReferentieNummer>R{i}</ijw:ReferentieNummer></jw323:ProductReferentie>'
             f'<jw323:ToewijzingNummer>{100000 + i}</jw323:ToewijzingNummer><jw323:ProductCategorie>45</jw323:ProductCategorie>'
             f'<jw323:ProductCode>45A01</jw323:ProductCode><jw323:ProductPeriode><ijw:Begindatum>{start}</ijw:Begindatum>'
             f'<ijw:Einddatum>{end}</ijw:Einddatum></jw323:ProductPeriode><jw323:GeleverdVolume>4</jw323:GeleverdVolume>'
             f'<jw323:Eenheid>04</jw323:Eenheid><jw323:ProductTarief>1250</jw323:ProductTarief>'
             f'<jw323:IngediendBedrag><ijw:Bedrag>5000</ijw:Bedrag><ijw:DebetCredit>D</ijw:DebetCredit></jw323:IngediendBedrag>'
             f'</jw323:Prestatie></jw323:Prestaties></jw323:Client>\n')
        clients.append(c)
        body += len(c)
        total += 5000
    return (header('jw323', 490, ident) +
            f'<jw323:Declaratie><jw323:DeclaratieNummer>{ident}</jw323:DeclaratieNummer><jw323:DeclaratiePeriode>'
            f'<ijw:Begindatum>{start}</ijw:Begindatum><ijw:Einddatum>{end}</ijw:Einddatum></jw323:DeclaratiePeriode>'
            f'<jw323:DeclaratieDagtekening>{datetime.date.today().isoformat()}</jw323:DeclaratieDagtekening>'
            f'<jw323:TotaalIngediendBedrag><ijw:TotaalBedrag>{total}</ijw:TotaalBedrag><ijw:DebetCredit>D</ijw:DebetCredit>'
            f'</jw323:TotaalIngediendBedrag><jw323:Clienten>\n' + ''.join(clients) +
            '</jw323:Clienten></jw323:Declaratie></jw323:Bericht>\n')


def jw315(ident, inner_open='', inner_close='', client_attrs=''):
    today = datetime.date.today()
    return (header('jw315', 446, ident) + inner_open + inner_close +
            f'<jw315:Client{client_attrs}><jw315:Bsn>999901011</jw315:Bsn><jw315:Geboortedatum><ijw:Datum>2014-03-12</ijw:Datum>'
            '</jw315:Geboortedatum><jw315:Geslacht>2</jw315:Geslacht><jw315:Naam><ijw:Geslachtsnaam><ijw:Achternaam>Bakker'
            '</ijw:Achternaam></ijw:Geslachtsnaam><ijw:Voorletters>L</ijw:Voorletters></jw315:Naam>'
            '<jw315:AangevraagdeProducten><jw315:AangevraagdProduct><jw315:ReferentieAanbieder>B1</jw315:ReferentieAanbieder>'
            '<jw315:Product><ijw:Categorie>45</ijw:Categorie><ijw:Code>45A01</ijw:Code></jw315:Product>'
            f'<jw315:ToewijzingIngangsdatum>{today}</jw315:ToewijzingIngangsdatum>'
            f'<jw315:ToewijzingEinddatum>{today + datetime.timedelta(days=30)}</jw315:ToewijzingEinddatum>'
            '<jw315:Omvang><ijw:Volume>3</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></jw315:Omvang>'
            '<jw315:Verwijzer><ijw:Type>02</ijw:Type><ijw:ZorgverlenerCode>01234567</ijw:ZorgverlenerCode></jw315:Verwijzer>'
            '</jw315:AangevraagdProduct></jw315:AangevraagdeProducten></jw315:Client></jw315:Bericht>\n')


def main():
    kind, n, path = sys.argv[1], sys.argv[2], sys.argv[3]
    ident = f"B{kind[0]}{n.replace('.', '')}{datetime.datetime.now().strftime('%H%M%S%f')}"[:12]
    if kind == 'declaration':
        xml = declaration(int(float(n) * 1024 * 1024), ident)
    elif kind == 'deep':
        d = int(n)
        xml = jw315(ident, '<x>' * d, '</x>' * d)
    elif kind == 'wide':
        xml = jw315(ident, client_attrs=''.join(f' a{i}="1"' for i in range(int(n))))
    else:
        sys.exit(__doc__)
    with open(path, 'w') as f:
        f.write(xml)


if __name__ == '__main__':
    main()
