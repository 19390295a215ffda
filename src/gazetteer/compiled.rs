//! Compiled gazetteers (CONTRACT `gazex gazetteer compile`): the loaded rows and the name
//! table written to one file that loads without parsing the TSV or building the table, and
//! rebuilt from its sources when one of them changes. It knows the file format; the rows
//! and the table are built elsewhere (`parse`, `matcher`).
//!
//! Layout (little-endian): magic, format version, payload length, a checksum of the payload,
//! then the payload: whether the built-ins are in, their fingerprint, the `-g` paths as
//! given and absolute, each source file's size, modification time and fingerprint, the
//! rows, and the name table (folded without diacritics, the default).

use super::matcher::Matcher;
use super::{CasePolicy, Entry, Gazetteer, Source, BUILTIN};
use crate::error::{Diagnostic, Error, Result};
use std::path::{Path, PathBuf};

pub(super) const MAGIC: &[u8; 8] = b"GAZEXGC\0";
/// Bumped whenever the payload changes shape (or the table's hash or layout does).
const FORMAT: u32 = 2;
const HEADER: usize = 8 + 4 + 8 + 8;

/// Does the file begin like a compiled gazetteer?
pub(crate) fn is_compiled(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == MAGIC)
}

/// Loads the gazetteers at `paths` (and the built-ins when `builtin`), builds the name table
/// and writes both to `out`; gives the gazetteer.
pub(crate) fn compile(paths: &[PathBuf], builtin: bool, out: &Path) -> Result<Gazetteer> {
    let g = Gazetteer::load(paths, builtin)?;
    let m = Matcher::new(&g, true)?;
    let given: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    write(out, paths, &given, builtin, &g, &m)?;
    Ok(g)
}

/// Loads a compiled gazetteer: its rows and name table, or, when a source changed since it
/// was compiled (or the file is from another gazex), both rebuilt from the sources and the
/// file written again (when it can be). The file records whether the built-in gazetteers are
/// in, and that is followed; `no_builtin` (`--no-builtin`) refuses a file with them in.
/// The third value says whether it was rebuilt, the fourth whether the built-ins are in.
pub(crate) fn load(path: &Path, no_builtin: bool) -> Result<(Gazetteer, Matcher, bool, bool)> {
    let bad = |m: String| {
        Error::Config(vec![Diagnostic {
            path: path.display().to_string(),
            line: 0,
            message: m,
        }])
    };
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let header = Header::read(&bytes).ok_or_else(|| {
        bad("not a compiled gazetteer, or a damaged one: compile it again".into())
    })?;
    let mut d = Dec::new(header.payload);
    let builtin = d
        .u8()
        .ok_or_else(|| bad("damaged: compile it again".into()))?
        == 1;
    if builtin && no_builtin {
        return Err(Error::Usage(format!(
            "{}: compiled with the built-in gazetteers, but --no-builtin asks for none: leave --no-builtin out, or compile it again with `gazex gazetteer compile --no-builtin`",
            path.display()
        )));
    }
    let inputs = read_inputs(&mut d).ok_or_else(|| bad("damaged: compile it again".into()))?;
    let fresh = header.format == FORMAT && inputs.fresh(builtin);
    if fresh {
        let g = read_gazetteer(&mut d);
        let m = g.as_ref().and_then(|_| Matcher::decode(&mut d));
        if let (Some(g), Some(m)) = (g, m) {
            return Ok((g, m, false, builtin));
        }
    }
    // Stale (or from another format): rebuilt from the sources, found by their absolute
    // paths but named as they were given when compiled (as a run on the sources names them).
    let mut g = Gazetteer::load(&inputs.absolute, builtin)?;
    for s in &mut g.sources {
        for (abs, given) in inputs.absolute.iter().zip(&inputs.given) {
            if let Some(rest) = s.path.strip_prefix(abs.to_string_lossy().as_ref()) {
                s.path = format!("{given}{rest}");
                break;
            }
        }
    }
    let m = Matcher::new(&g, true)?;
    // A file that cannot be written again is only slower next time.
    let _ = write(path, &inputs.absolute, &inputs.given, builtin, &g, &m);
    Ok((g, m, true, builtin))
}

/// The file's header, checked.
struct Header<'a> {
    format: u32,
    payload: &'a [u8],
}

impl<'a> Header<'a> {
    fn read(bytes: &'a [u8]) -> Option<Self> {
        let mut d = Dec::new(bytes);
        if d.take(8)? != MAGIC {
            return None;
        }
        let format = d.u32()?;
        let len = usize::try_from(d.u64()?).ok()?;
        let sum = d.u64()?;
        let payload = bytes.get(HEADER..HEADER.checked_add(len)?)?;
        (checksum(payload) == sum).then_some(Header { format, payload })
    }
}

/// Writes the file: to a temporary name beside it, then renamed, so that a reader never
/// sees half of it.
/// (`paths` are the `-g` paths, `given` how to name them: as the user gave them.)
fn write(
    out: &Path,
    paths: &[PathBuf],
    given: &[String],
    builtin: bool,
    g: &Gazetteer,
    m: &Matcher,
) -> Result<()> {
    let mut e = Enc::default();
    e.u8(u8::from(builtin));
    write_inputs(&mut e, paths, given, builtin)?;
    write_gazetteer(&mut e, g);
    m.encode(&mut e);
    let payload = e.0;
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT.to_le_bytes());
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(&checksum(&payload).to_le_bytes());
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = out.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&header)?;
        f.write_all(&payload)?;
        f.sync_all()?;
        std::fs::rename(&tmp, out)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(out, e)
    })
}

/// What the compiled file was made from, to tell whether it is still what the sources say.
struct Inputs {
    /// The `-g` paths, absolute.
    absolute: Vec<PathBuf>,
    /// The same as given (what the sources' paths begin with, as `Gazetteer::load` names them).
    given: Vec<String>,
    /// Each gazetteer file they named: path, size, modification time (ns), fingerprint.
    files: Vec<(PathBuf, u64, u64, String)>,
    /// Fingerprint of the built-in gazetteers (when in).
    builtin: String,
}

impl Inputs {
    /// Are the sources what they were? Files are re-read only when their size or time
    /// changed (an edit that restores the bytes keeps the file fresh).
    fn fresh(&self, builtin: bool) -> bool {
        if builtin && self.builtin != builtin_fingerprint() {
            return false;
        }
        let mut now = Vec::new();
        for p in &self.absolute {
            match super::gazetteer_files(p) {
                Ok(f) => now.extend(f),
                Err(_) => return false,
            }
        }
        now.len() == self.files.len()
            && now.iter().zip(&self.files).all(|(p, (q, size, time, fp))| {
                p == q
                    && match stamp(p) {
                        Some((s, t)) if s == *size && t == *time => true,
                        Some(_) => crate::lines::read_file(p, crate::lines::MAX_LINE)
                            .is_ok_and(|b| super::parse::fingerprint(&b) == *fp),
                        None => false,
                    }
            })
    }
}

/// A file's size and modification time in nanoseconds.
fn stamp(p: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(p).ok()?;
    let t = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), u64::try_from(t.as_nanos()).unwrap_or(u64::MAX)))
}

fn builtin_fingerprint() -> String {
    let all: Vec<u8> = BUILTIN
        .iter()
        .flat_map(|(name, text)| name.bytes().chain(text.bytes()))
        .collect();
    super::parse::fingerprint(&all)
}

fn write_inputs(e: &mut Enc, paths: &[PathBuf], given: &[String], builtin: bool) -> Result<()> {
    let mut absolute = Vec::with_capacity(paths.len());
    let mut files = Vec::new();
    for p in paths {
        let abs = std::path::absolute(p).map_err(|err| Error::io(p, err))?;
        let listed = super::gazetteer_files(&abs).map_err(|d| Error::Config(vec![d]))?;
        for f in listed {
            let (size, time) = stamp(&f).unwrap_or((u64::MAX, u64::MAX));
            let fp = crate::lines::read_file(&f, crate::lines::MAX_LINE)
                .map(|b| super::parse::fingerprint(&b))
                .map_err(|err| Error::io(&f, err))?;
            files.push((f, size, time, fp));
        }
        absolute.push(abs);
    }
    e.str(&if builtin {
        builtin_fingerprint()
    } else {
        String::new()
    });
    e.len(absolute.len());
    for (abs, given) in absolute.iter().zip(given) {
        e.str(&abs.to_string_lossy());
        e.str(given);
    }
    e.len(files.len());
    for (f, size, time, fp) in &files {
        e.str(&f.to_string_lossy());
        e.u64(*size);
        e.u64(*time);
        e.str(fp);
    }
    Ok(())
}

fn read_inputs(d: &mut Dec<'_>) -> Option<Inputs> {
    let builtin = d.str()?.to_string();
    let (absolute, given) = (0..d.len()?)
        .map(|_| Some((PathBuf::from(d.str()?), d.str()?.to_string())))
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .unzip();
    let files = (0..d.len()?)
        .map(|_| {
            Some((
                PathBuf::from(d.str()?),
                d.u64()?,
                d.u64()?,
                d.str()?.to_string(),
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Inputs {
        absolute,
        given,
        files,
        builtin,
    })
}

fn write_gazetteer(e: &mut Enc, g: &Gazetteer) {
    e.len(g.sources.len());
    for s in &g.sources {
        e.str(&s.path);
        e.str(&s.fingerprint);
        e.len(s.entries);
    }
    e.len(g.attribute_columns.len());
    for c in &g.attribute_columns {
        e.str(c);
    }
    e.len(g.entries.len());
    for x in &g.entries {
        e.str(&x.id);
        e.str(&x.kind);
        e.str(&x.name);
        e.len(x.names.len());
        for n in &x.names {
            e.str(n);
        }
        e.u8(match x.case {
            CasePolicy::Smart => 0,
            CasePolicy::Exact => 1,
            CasePolicy::Fold => 2,
        });
        e.len(x.attrs.len());
        for (col, v) in &x.attrs {
            e.len(*col);
            e.str(v);
        }
        e.len(x.file);
        e.len(x.line);
    }
}

fn read_gazetteer(d: &mut Dec<'_>) -> Option<Gazetteer> {
    let sources = (0..d.len()?)
        .map(|_| {
            Some(Source {
                path: d.str()?.to_string(),
                fingerprint: d.str()?.to_string(),
                entries: d.len()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let attribute_columns = (0..d.len()?)
        .map(|_| d.str().map(str::to_string))
        .collect::<Option<Vec<_>>>()?;
    let n = d.len()?;
    let mut entries = Vec::with_capacity(n.min(d.left()));
    for _ in 0..n {
        let (id, kind, name) = (d.str()?.into(), d.str()?.into(), d.str()?.into());
        let names = (0..d.len()?)
            .map(|_| d.str().map(str::to_string))
            .collect::<Option<Vec<_>>>()?;
        let case = match d.u8()? {
            0 => CasePolicy::Smart,
            1 => CasePolicy::Exact,
            2 => CasePolicy::Fold,
            _ => return None,
        };
        let attrs = (0..d.len()?)
            .map(|_| Some((d.len()?, d.str()?.to_string())))
            .collect::<Option<Vec<_>>>()?;
        entries.push(Entry {
            id,
            kind,
            name,
            names,
            case,
            attrs,
            file: d.len()?,
            line: d.len()?,
        });
    }
    Some(Gazetteer {
        entries,
        attribute_columns,
        sources,
        ..Gazetteer::default()
    })
}

/// A checksum of the payload: four interleaved multiply-xor lanes over 8-byte words, so a
/// 20 MB file is checked in about a millisecond.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut lanes = [1u64, 2, 3, 4];
    let mut blocks = bytes.chunks_exact(32);
    for b in &mut blocks {
        for (lane, w) in lanes.iter_mut().zip(b.chunks_exact(8)) {
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
            *lane = (*lane ^ x).wrapping_mul(K).rotate_left(29);
        }
    }
    let mut h = bytes.len() as u64;
    for (i, &b) in blocks.remainder().iter().enumerate() {
        h ^= u64::from(b) << (8 * (i % 8));
        h = h.rotate_left(8);
    }
    for lane in lanes {
        h = (h ^ lane).wrapping_mul(K).rotate_left(31);
    }
    h
}

/// Appends values to a payload.
#[derive(Default)]
pub(super) struct Enc(pub(super) Vec<u8>);

impl Enc {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(super) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    pub(super) fn len(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }

    pub(super) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub(super) fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        for x in v {
            self.u64(*x);
        }
    }

    pub(super) fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        for x in v {
            self.u32(*x);
        }
    }
}

/// Reads values back from a payload; None past its end or on a value that cannot be.
pub(super) struct Dec<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Dec<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Dec { bytes, at: 0 }
    }

    /// Bytes not read yet.
    pub(super) fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(b)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length or count: never more than the bytes left, so a damaged count cannot make a
    /// reader reserve memory it does not need.
    pub(super) fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?)
            .ok()
            .filter(|&n| n <= self.left())
    }

    pub(super) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    pub(super) fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub(super) fn u64s(&mut self) -> Option<Vec<u64>> {
        let n = self.len()?;
        let b = self.take(n.checked_mul(8)?)?;
        Some(
            b.chunks_exact(8)
                .map(|w| u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8])))
                .collect(),
        )
    }

    pub(super) fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.len()?;
        let b = self.take(n.checked_mul(4)?)?;
        Some(
            b.chunks_exact(4)
                .map(|w| u32::from_le_bytes(<[u8; 4]>::try_from(w).unwrap_or([0; 4])))
                .collect(),
        )
    }
}

impl Matcher {
    /// Writes the name table for a compiled gazetteer.
    fn encode(&self, e: &mut Enc) {
        e.u8(u8::from(self.diacritics));
        e.len(self.longest_name);
        e.len(self.longest_folded);
        for &b in &self.first {
            e.u8(u8::from(b));
        }
        e.u64s(&self.first_words);
        e.u64s(&self.later_keys);
        e.u64s(&self.lone_keys);
        e.bytes(&self.arena);
        e.u32s(&self.offsets);
        e.len(self.targets.len());
        for t in &self.targets {
            e.u32(t.entry);
            e.u32(t.name);
            e.u8(u8::from(t.accented));
            match &t.exact {
                Some(x) => {
                    e.u8(1);
                    e.str(x);
                }
                None => e.u8(0),
            }
        }
        e.len(self.prefixes.len());
        for p in &self.prefixes {
            p.encode(e);
        }
        self.variants.encode(e);
    }

    /// Reads a table written by [`Matcher::encode`]; None when it cannot be one. The filters
    /// must have the sizes this gazex uses (the format version changes with them).
    fn decode(d: &mut Dec<'_>) -> Option<Matcher> {
        use super::filters::{FIRST_WORD_BITS, LATER_KEY_BITS, LONE_KEY_BITS};
        let diacritics = d.u8()? == 1;
        let longest_name = d.len()?;
        let longest_folded = d.len()?;
        let mut first = [false; 256];
        for b in &mut first {
            *b = d.u8()? == 1;
        }
        let first_words = d.u64s()?;
        let later_keys = d.u64s()?;
        let lone_keys = d.u64s()?;
        let sized = first_words.len() * 64 == FIRST_WORD_BITS
            && later_keys.len() * 64 == LATER_KEY_BITS
            && lone_keys.len() * 64 == LONE_KEY_BITS;
        let arena = d.bytes()?.to_vec();
        let offsets = d.u32s()?;
        let n = d.len()?;
        let mut targets = Vec::with_capacity(n);
        for _ in 0..n {
            let entry = d.u32()?;
            let name = d.u32()?;
            let accented = d.u8()? == 1;
            let exact = match d.u8()? {
                0 => None,
                _ => Some(Box::from(d.str()?)),
            };
            targets.push(super::Target {
                entry,
                name,
                exact,
                accented,
            });
        }
        let prefixes = (0..d.len()?)
            .map(|_| super::prefixes::Prefixes::decode(d))
            .collect::<Option<Vec<_>>>()?;
        let variants = super::variants::Variants::decode(d)?;
        let whole = sized
            && prefixes.len() == super::prefixes::SHARDS
            && offsets.last().is_some_and(|&o| o as usize == targets.len())
            && offsets.windows(2).all(|w| w[0] <= w[1]);
        whole.then_some(Matcher {
            arena,
            prefixes,
            offsets,
            targets,
            diacritics,
            longest_name,
            longest_folded,
            first,
            first_words,
            later_keys,
            lone_keys,
            variants,
        })
    }
}
