//! `gazex gazetteer check|stats|import|compile`: validate gazetteer files (every error with
//! file:line; warnings for ambiguous names, common English words and very short names),
//! summarise them (entries and names per type and per file, longest names, ambiguity),
//! convert other lists (OFAC SDN, spaCy patterns, CSV, GeoNames) into the gazetteer format,
//! and compile gazetteers into one file that loads fast.

use super::out::note;
use crate::gazetteer::{CasePolicy, Entry};
use crate::import::{self, Format};
use crate::Gazetteer;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Validate gazetteer files: every error with file:line; warnings for names shared by
    /// several entries, names that are common English words, and very short names.
    Check {
        /// Gazetteer files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Check them together with the built-in gazetteers (duplicate ids, ambiguity).
        #[arg(long)]
        with_builtin: bool,
        /// Print only the summary line, not each warning.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Summarise gazetteers: entries and names per type and per file, longest names,
    /// ambiguity counts.
    Stats {
        /// Gazetteer files or folders (none: the built-in gazetteers).
        paths: Vec<PathBuf>,
        /// How many of the longest names to list.
        #[arg(long, default_value_t = 10)]
        longest: usize,
    },
    /// Convert another list into the gazetteer TSV format.
    Import(ImportArgs),
    /// Compile gazetteers into one file that loads fast (`gazex extract -g FILE`); it is
    /// rebuilt from its sources, and written again, when one of them changes.
    Compile {
        /// Gazetteer files or folders, as for `extract -g`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The compiled file to write.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// Leave the built-in gazetteers out (recorded in the file: `extract` follows it).
        #[arg(long)]
        no_builtin: bool,
        /// No summary line.
        #[arg(short, long)]
        quiet: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum SourceFormat {
    /// OFAC SDN list, sdn.csv layout: individuals -> PERSON, entities -> ORG.
    OfacSdn,
    /// spaCy EntityRuler patterns (JSONL); phrase patterns only.
    SpacyPatterns,
    /// CSV with a header: name,type[,id,aliases,...].
    Csv,
    /// GeoNames dump (cities15000.txt, allCountries.txt layout) -> PLACE.
    Geonames,
}

/// Convert another list into the gazetteer TSV format.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The source format.
    #[arg(long = "from", value_enum)]
    from: SourceFormat,
    /// The list to convert (`-`: standard input; .gz/.zst are decompressed).
    input: PathBuf,
    /// The gazetteer to write (`-`: standard output).
    #[arg(short = 'o', long = "out")]
    out: PathBuf,
    /// GeoNames: scripts alternate names must be written in, comma separated (latin,
    /// cyrillic, greek, arabic, hebrew, armenian, georgian, devanagari, thai, han, kana, hangul).
    #[arg(long, value_delimiter = ',', default_value = "latin")]
    scripts: Vec<String>,
    /// GeoNames: feature classes to keep, comma separated (A regions, P places, H water,
    /// L areas, S buildings, T terrain, V forest, R roads, U undersea); empty: all.
    #[arg(long, value_delimiter = ',', default_value = "A,P")]
    feature_classes: Vec<String>,
    /// GeoNames: smallest population to keep.
    #[arg(long, default_value_t = 0)]
    min_population: u64,
    /// CSV: the type of rows without one (or of all rows when there is no type column).
    #[arg(long = "type")]
    kind: Option<String>,
}

pub(crate) fn run(c: Command) -> Result<i32> {
    match c {
        Command::Check {
            paths,
            with_builtin,
            quiet,
        } => check(&paths, with_builtin, quiet),
        Command::Stats { paths, longest } => stats(&paths, longest),
        Command::Import(a) => import_list(a),
        Command::Compile {
            paths,
            out,
            no_builtin,
            quiet,
        } => compile(&paths, &out, !no_builtin, quiet),
    }
}

fn compile(paths: &[PathBuf], out: &Path, builtin: bool, quiet: bool) -> Result<i32> {
    if paths
        .iter()
        .any(|p| crate::gazetteer::compiled::is_compiled(p))
    {
        return Err(crate::Error::Usage(
            "a compiled gazetteer cannot be compiled again: give its TSV sources".into(),
        )
        .into());
    }
    if super::out::is_stream(out) {
        return Err(crate::Error::Usage(format!(
            "-o {}: not a regular file: a compiled gazetteer is a file to load again",
            out.display()
        ))
        .into());
    }
    let sources: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    super::guard::file(out, "-o", &[], &sources, &sources)?;
    let t = std::time::Instant::now();
    let g = crate::gazetteer::compiled::compile(paths, builtin, out)?;
    warn_all(&g);
    if !quiet {
        let names: usize = g.entries.iter().map(|e| e.names.len()).sum();
        let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        note!(
            "gazex: compiled {} entries ({} names) from {} files into {} ({:.1} MB) in {:.2} s",
            g.entries.len(),
            names,
            g.sources.len(),
            out.display(),
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }
    Ok(0)
}

const COMMON_WORDS: &str = include_str!("common-words.txt");

fn common_words() -> HashSet<&'static str> {
    COMMON_WORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
}

fn folded(n: &str) -> String {
    crate::normalize::fold(n, Default::default())
}

/// True when the `smart` policy matches `name` only in capitals.
fn smart_caps(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters <= 5 && name.chars().any(char::is_uppercase) && !name.chars().any(char::is_lowercase)
}

/// True when the row's case policy lets `name` match in lower case.
fn matches_lowercase(e: &Entry, name: &str) -> bool {
    match e.case {
        CasePolicy::Fold => true,
        CasePolicy::Smart => !smart_caps(name),
        CasePolicy::Exact => !name.chars().any(char::is_uppercase),
    }
}

/// Folded name -> indexes of the entries that have it (each entry once).
fn names_index(g: &Gazetteer) -> HashMap<String, Vec<usize>> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in g.entries.iter().enumerate() {
        let mut seen = HashSet::new();
        for n in &e.names {
            let f = folded(n);
            if seen.insert(f.clone()) {
                by_name.entry(f).or_default().push(i);
            }
        }
    }
    by_name
}

/// Shows the warnings of loading `g` (on standard error).
fn warn_all(g: &Gazetteer) {
    for w in &g.warnings {
        note!("gazex: {w}");
    }
}

fn check(paths: &[PathBuf], with_builtin: bool, quiet: bool) -> Result<i32> {
    let g = Gazetteer::load(paths, with_builtin)?;
    warn_all(&g);
    let at = |e: &Entry| format!("{}:{}", g.sources[e.file].path, e.line);
    let mut warnings: Vec<(usize, usize, String)> = Vec::new();
    let mut amb: Vec<_> = names_index(&g)
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .collect();
    amb.sort();
    for (name, v) in &amb {
        let first = &g.entries[v[0]];
        let others: Vec<String> = v[1..].iter().map(|&i| g.entries[i].id.clone()).collect();
        warnings.push((
            first.file,
            first.line,
            format!(
                "{}: warning: ambiguous name `{name}` of {} is also a name of {} (chosen by the `country` of the places around it, then the first row)",
                at(first),
                first.id,
                others.join(", ")
            ),
        ));
    }
    let common = common_words();
    let (mut n_common, mut n_short, mut n_extra) = (0, 0, 0);
    for e in &g.entries {
        for (n, why) in crate::gazetteer::hygiene::extras(e) {
            n_extra += 1;
            warnings.push((
                e.file,
                e.line,
                format!(
                    "{}: warning: name `{n}` of {} carries more than a name ({why}): a text would not repeat it; keep the name alone",
                    at(e),
                    e.id
                ),
            ));
        }
        for n in &e.names {
            let f = folded(n);
            if common.contains(f.as_str()) && matches_lowercase(e, n) {
                n_common += 1;
                warnings.push((
                    e.file,
                    e.line,
                    format!(
                        "{}: warning: name `{n}` of {} is a common English word and will match `{f}`: set the row's case to exact, or drop the name",
                        at(e),
                        e.id
                    ),
                ));
            }
            let chars = f.chars().filter(|c| c.is_alphanumeric()).count();
            if chars <= 1 || (chars <= 3 && matches_lowercase(e, n)) {
                n_short += 1;
                warnings.push((
                    e.file,
                    e.line,
                    format!(
                        "{}: warning: name `{n}` of {} is very short ({chars} letters){}",
                        at(e),
                        e.id,
                        if matches_lowercase(e, n) {
                            " and matches in any case: write it in capitals or set case to exact"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
    }
    warnings.sort_by_key(|w| (w.0, w.1));
    let mut out = String::new();
    if !quiet {
        for (_, _, w) in &warnings {
            out.push_str(w);
            out.push('\n');
        }
    }
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "ok: {} entries in {} files; warnings: {} ambiguous names, {} common words, {} very short names, {} names carrying more than a name",
        g.entries.len(),
        g.sources.len(),
        amb.len(),
        n_common,
        n_short,
        n_extra
    );
    super::out::stdout(out.as_bytes())?;
    Ok(0)
}

fn stats(paths: &[PathBuf], longest: usize) -> Result<i32> {
    let g = Gazetteer::load(paths, paths.is_empty())?;
    warn_all(&g);
    let mut by_type: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut by_file: Vec<usize> = vec![0; g.sources.len()];
    for e in &g.entries {
        let t = by_type.entry(e.kind.as_str()).or_default();
        t.0 += 1;
        t.1 += e.names.len();
        by_file[e.file] += e.names.len();
    }
    let mut out = String::new();
    out.push_str("file\tentries\tnames\tfingerprint\n");
    for (s, names) in g.sources.iter().zip(&by_file) {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            s.path, s.entries, names, s.fingerprint
        ));
    }
    out.push_str("\ntype\tentries\tnames\tambiguous_names\n");
    let index = names_index(&g);
    let mut amb_by_type: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut amb, mut amb_cross) = (0, 0);
    for v in index.values().filter(|v| v.len() > 1) {
        amb += 1;
        let kinds: HashSet<&str> = v.iter().map(|&i| g.entries[i].kind.as_str()).collect();
        if kinds.len() > 1 {
            amb_cross += 1;
        }
        for k in kinds {
            *amb_by_type.entry(k).or_default() += 1;
        }
    }
    for (t, (e, n)) in &by_type {
        out.push_str(&format!(
            "{t}\t{e}\t{n}\t{}\n",
            amb_by_type.get(t).copied().unwrap_or(0)
        ));
    }
    let total_names: usize = by_type.values().map(|x| x.1).sum();
    out.push_str(&format!(
        "ALL\t{}\t{}\t{}\n",
        g.entries.len(),
        total_names,
        amb
    ));
    out.push_str(&format!(
        "\nambiguous names: {amb} (shared by several entries), {amb_cross} of them across types\n"
    ));
    let mut names: Vec<(usize, &str, &str)> = g
        .entries
        .iter()
        .flat_map(|e| {
            e.names
                .iter()
                .map(move |n| (n.chars().count(), n.as_str(), e.id.as_str()))
        })
        .collect();
    names.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    names.dedup_by(|a, b| a.1 == b.1);
    if longest > 0 && !names.is_empty() {
        out.push_str("\nlongest names:\nchars\tid\tname\n");
        for (c, n, id) in names.iter().take(longest) {
            out.push_str(&format!("{c}\t{id}\t{n}\n"));
        }
    }
    super::out::stdout(out.as_bytes())?;
    Ok(0)
}

fn import_list(a: ImportArgs) -> Result<i32> {
    let format = match a.from {
        SourceFormat::OfacSdn => Format::OfacSdn,
        SourceFormat::SpacyPatterns => Format::SpacyPatterns,
        SourceFormat::Csv => Format::Csv,
        SourceFormat::Geonames => Format::Geonames,
    };
    let opts = import::Options {
        scripts: a.scripts.clone(),
        feature_classes: a.feature_classes.clone(),
        min_population: a.min_population,
        default_type: a.kind.as_deref().map(import::map_type),
    };
    if let Some(t) = &opts.default_type {
        if !import::is_type(t) {
            return Err(crate::Error::Usage(format!(
                "--type `{t}` is not an upper-case word such as PERSON, ORG or PLACE"
            ))
            .into());
        }
    }
    let to_stdout = a.out.as_os_str() == "-";
    let summary = if super::out::is_stream(&a.out) {
        let name = if to_stdout {
            "<stdout>".into()
        } else {
            a.out.display().to_string()
        };
        let mut out = std::io::BufWriter::new(super::out::open_stream(&a.out)?);
        let s = import::import(format, &a.input, &mut out, &name, &opts)?;
        out.flush().map_err(|e| crate::Error::io(&name, e))?;
        s
    } else {
        let read: Vec<&Path> = [a.input.as_path()]
            .into_iter()
            .filter(|p| p.as_os_str() != "-")
            .collect();
        super::guard::file(&a.out, "-o", &[], &read, &[])?;
        let tmp = tmp_path(&a.out);
        let file = std::fs::File::create(&tmp)
            .map_err(|e| crate::Error::io(&tmp, e))
            .with_context(|| "cannot write the gazetteer")?;
        let mut out = std::io::BufWriter::new(file);
        let name = a.out.display().to_string();
        let s = import::import(format, &a.input, &mut out, &name, &opts).and_then(|s| {
            out.flush().map_err(|e| crate::Error::io(&tmp, e))?;
            Ok(s)
        });
        drop(out);
        let s = s.and_then(|s| {
            std::fs::rename(&tmp, &a.out).map_err(|e| crate::Error::io(&a.out, e))?;
            Ok(s)
        });
        match s {
            Ok(s) => {
                // The output must load: a failure here is a bug of the importer.
                Gazetteer::load(std::slice::from_ref(&a.out), false)
                    .context("the imported gazetteer does not load (please report this)")?;
                s
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into());
            }
        }
    };
    let types: Vec<String> = summary
        .by_type
        .iter()
        .map(|(t, n)| format!("{n} {t}"))
        .collect();
    note!(
        "imported {} entries ({}) with {} names into {}",
        summary.entries,
        types.join(", "),
        summary.names,
        if to_stdout {
            "standard output".into()
        } else {
            a.out.display().to_string()
        }
    );
    for (why, n) in &summary.skipped {
        note!("skipped {n}: {why}");
    }
    for w in &summary.warnings {
        note!("warning: {w}");
    }
    Ok(0)
}

fn tmp_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".gazex-tmp");
    out.with_file_name(name)
}
