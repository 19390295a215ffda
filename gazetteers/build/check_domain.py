#!/usr/bin/env python3
"""Checks for the domain and organisation gazetteers (10-, 11-, 12-, 20-*.tsv).

  python3 gazetteers/build/check_domain.py [--prose FILE.jsonl.zst] [--docs N] [--gold GOLD.jsonl]

1. format: 6 tab-separated fields, unique ids, known case values, no empty name or alias;
2. common words: single-word names/aliases that are frequent English words (wordfreq, if
   installed) and not in an `exact` row;
3. precision: hit counts of every name/alias on English prose (whole words, case policy
   of the CONTRACT approximated), top hits listed;
4. recall: gold PERSON/ORG/PLACE spans that no name or alias matches exactly.
Set SKIPIDS=id1,id2 to leave entries (e.g. org:un) out of the top-hit listing.
"""
import argparse, collections, io, json, os, re, subprocess, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
GAZ = os.path.dirname(HERE)
SKIPIDS = tuple(os.environ.get("SKIPIDS", "").split(",")) if os.environ.get("SKIPIDS") else ("\0",)
FILES = ['10-domain-people.tsv', '11-domain-orgs.tsv', '12-domain-places.tsv', '20-world-orgs.tsv']
DASH = re.compile('[\u2010-\u2015\u2212-]')
APOS = re.compile("[\u2018\u2019\u02bc`']")
TOK = re.compile(r"\w+|[^\w\s]")


def fold(s):
    s = unicodedata.normalize('NFKD', s)
    return ''.join(c for c in s if not unicodedata.combining(c)).casefold()


def toks(s):
    s = APOS.sub("'", DASH.sub('-', s))
    return [(m.group(), m.start(), m.end()) for m in TOK.finditer(s)]


def load():
    rows, errors = [], []
    ids = {}
    for fn in FILES:
        p = os.path.join(GAZ, fn)
        for ln, line in enumerate(open(p, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            f = line.split('\t')
            if ln == 1 or f[0] == 'id':
                if f != ['id', 'type', 'name', 'aliases', 'case', 'source']:
                    errors.append(f'{fn}:{ln}: bad header')
                continue
            if len(f) != 6:
                errors.append(f'{fn}:{ln}: {len(f)} fields'); continue
            iid, typ, name, al, case, src = f
            if iid in ids:
                errors.append(f'{fn}:{ln}: duplicate id {iid} (also {ids[iid]})')
            ids[iid] = f'{fn}:{ln}'
            if typ not in ('PERSON', 'ORG', 'PLACE'):
                errors.append(f'{fn}:{ln}: type {typ}')
            if case not in ('', 'exact', 'fold', 'smart'):
                errors.append(f'{fn}:{ln}: case {case}')
            if not name.strip() or name != name.strip():
                errors.append(f'{fn}:{ln}: bad name {name!r}')
            aliases = al.split('|') if al else []
            for a in aliases:
                if not a.strip() or a != a.strip():
                    errors.append(f'{fn}:{ln}: empty or padded alias in {iid}')
            if not src:
                errors.append(f'{fn}:{ln}: no source')
            rows.append(dict(id=iid, type=typ, names=[name] + [a for a in aliases if a.strip()], case=case or 'smart', file=fn))
    return rows, errors


def policy(name, case):
    letters = [c for c in name if c.isalpha()]
    if case == 'exact':
        return 'exact'
    if case == 'fold':
        return 'fold'
    return 'exact' if letters and len(letters) <= 5 and all(c.isupper() for c in letters) and name.upper() == name else 'fold'


class Matcher:
    def __init__(self, rows):
        self.d = collections.defaultdict(list)
        self.maxlen = 1
        for r in rows:
            for n in r['names']:
                t = [x[0] for x in toks(n)]
                if not t:
                    continue
                key = tuple(fold(x) for x in t)
                self.d[key].append((r, n, policy(n, r['case']), tuple(t)))
                self.maxlen = max(self.maxlen, len(t))
        self.first = {k[0] for k in self.d}

    def scan(self, text):
        T = toks(text)
        F = [fold(t[0]) for t in T]
        i, out = 0, []
        while i < len(T):
            best = None
            if F[i] in self.first:
                for n in range(min(self.maxlen, len(T) - i), 0, -1):
                    key = tuple(F[i:i + n])
                    cands = self.d.get(key)
                    if not cands:
                        continue
                    orig = tuple(t[0] for t in T[i:i + n])
                    ok = [c for c in cands if c[2] == 'fold' or c[3] == orig]
                    if ok:
                        # word boundary at both ends
                        s, e = T[i][1], T[i + n - 1][2]
                        if (s == 0 or not text[s - 1].isalnum()) and (e >= len(text) or not text[e].isalnum()):
                            best = (n, ok, s, e)
                            break
            if best:
                out.append((best[2], best[3], best[1]))
                i += best[0]
            else:
                i += 1
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--prose', default=os.path.join(GAZ, '..', '..', 'shared', 'bench', 'ungdc-0.jsonl.zst'))
    ap.add_argument('--docs', type=int, default=3000)
    ap.add_argument('--gold', default=os.path.join(GAZ, '..', '..', 'shared', 'gold', 'seed.jsonl'))
    ap.add_argument('--top', type=int, default=60)
    a = ap.parse_args()
    rows, errors = load()
    print(f'{len(rows)} entries:', dict(collections.Counter((r["file"], r["type"]) for r in rows)))
    for e in errors:
        print('ERROR', e)
    # alias shared by several entries
    owner = collections.defaultdict(set)
    for r in rows:
        for n in r['names']:
            owner[(fold(n), policy(n, r['case']) == 'exact' and n or '')].add(r['id'])
    for k, v in owner.items():
        if len(v) > 1:
            print('SHARED', k[0], sorted(v))
    try:
        from wordfreq import zipf_frequency
        for r in rows:
            for n in r['names']:
                if ' ' in n or policy(n, r['case']) == 'exact':
                    continue
                z = zipf_frequency(n, 'en')
                if z >= 3.3:
                    print(f'COMMON {n!r} zipf={z:.2f} in {r["id"]}')
    except ImportError:
        print('(wordfreq not installed: common-word check skipped)')
    m = Matcher(rows)
    if a.prose and os.path.exists(a.prose):
        data = subprocess.run(['zstd', '-dc', a.prose], capture_output=True).stdout.decode('utf-8')
        hits = collections.Counter()
        for k, line in enumerate(data.split('\n')):
            if k >= a.docs or not line.strip():
                break
            text = json.loads(line)['text']
            for s, e, c in m.scan(text):
                hits[(c[0][0]['id'], text[s:e])] += 1
        print(f'\nTop hits on {a.docs} documents of {os.path.basename(a.prose)}:')
        for (iid, surf), n in [x for x in hits.most_common() if not x[0][0].startswith(SKIPIDS)][:a.top]:
            print(f'{n:6d}  {surf!r:40} {iid}')
    if a.gold and os.path.exists(a.gold):
        miss = []
        total = 0
        for line in open(a.gold, encoding='utf-8'):
            d = json.loads(line)
            found = {(s, e) for s, e, c in m.scan(d['text'])}
            for sp in d['spans']:
                if sp['type'] == 'DATE':
                    continue
                total += 1
                if (sp['start'], sp['end']) not in found:
                    miss.append((sp['type'], sp['text']))
        print(f'\nGold spans: {total}, not matched exactly by these files: {len(miss)}')
        for t, s in sorted(set(miss)):
            print('  MISS', t, repr(s))


if __name__ == '__main__':
    main()
