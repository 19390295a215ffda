//! Output folder: claims it (refusing a non-empty folder unless forced), writes every file under
//! a temporary name and renames it when complete, and writes `manifest.json` with
//! `"complete": true` only at the very end. It does not format records (see `record`, `tables`).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The files of an output folder.
pub const FILES: [&str; 5] = [
    "entities.jsonl",
    "documents.jsonl",
    "entities.tsv",
    "cooccurrence.tsv",
    "manifest.json",
];

/// An output folder being written.
#[derive(Debug)]
pub struct OutDir {
    dir: PathBuf,
}

impl OutDir {
    /// Creates or claims `dir`. A folder that holds anything but a previous gazex output is
    /// refused unless `force`; with `force`, only gazex's own files are replaced.
    pub fn create(dir: &Path, force: bool) -> Result<Self> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: output path exists and is not a folder: pick another --out",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut other = Vec::new();
        let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut non_empty = false;
        for e in rd.flatten() {
            non_empty = true;
            let name = e.file_name().to_string_lossy().into_owned();
            if !FILES.contains(&name.as_str())
                && !name.starts_with(".gazex-")
                && name != "graph"
                && name != "README.md"
            {
                other.push(name);
            }
        }
        if non_empty && !force {
            return Err(Error::Usage(format!(
                "{}: output folder is not empty: use --force to overwrite it, --resume to continue an interrupted run, or -o with a new folder",
                dir.display()
            )));
        }
        if force && !other.is_empty() {
            other.sort();
            return Err(Error::Usage(format!(
                "{}: --force replaces gazex output only, but the folder also holds {}: pick another --out",
                dir.display(),
                other.join(", ")
            )));
        }
        let out = OutDir {
            dir: dir.to_path_buf(),
        };
        // An old manifest must not claim completeness while we write.
        let m = out.dir.join("manifest.json");
        if m.exists() {
            std::fs::remove_file(&m).map_err(|e| Error::io(&m, e))?;
        }
        Ok(out)
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The temporary path of a file being written.
    pub fn temp(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".gazex-{name}.tmp"))
    }

    /// Opens the temporary file for `name`.
    pub fn open(&self, name: &str) -> Result<Writer> {
        let path = self.temp(name);
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Writer {
            inner: BufWriter::with_capacity(1 << 20, f),
            path,
            name: name.to_string(),
        })
    }

    /// Renames a finished temporary file to its final name.
    pub fn commit(&self, w: Writer) -> Result<()> {
        let Writer { inner, path, name } = w;
        let f = inner
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        f.sync_all().ok();
        let dest = self.dir.join(&name);
        std::fs::rename(&path, &dest).map_err(|e| Error::io(&dest, e))
    }
}

/// A file being written under its temporary name.
#[derive(Debug)]
pub struct Writer {
    inner: BufWriter<File>,
    path: PathBuf,
    name: String,
}

impl Writer {
    /// Appends bytes, naming the file on failure.
    pub fn write_all(&mut self, b: &[u8]) -> Result<()> {
        self.inner
            .write_all(b)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// The underlying buffered writer (for table writers).
    pub fn inner(&mut self) -> &mut BufWriter<File> {
        &mut self.inner
    }

    /// The final file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
