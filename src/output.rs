//! Output folder: claims it (refusing a non-empty folder unless forced), writes every file under
//! a temporary name and renames it when complete, and writes `manifest.json` with
//! `"complete": true` only at the very end. It does not format records (see `record`, `tables`).

#![deny(clippy::indexing_slicing)]

use crate::error::{Error, Result};
use crate::manifest::{self, Manifest};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

mod folder;
pub(crate) use folder::{remove_derived, DERIVED};

/// The files of an output folder.
pub(crate) const FILES: [&str; 5] = [
    "entities.jsonl",
    "documents.jsonl",
    "entities.tsv",
    "cooccurrence.tsv",
    "manifest.json",
];

/// Is `name` a file gazex writes in an output folder (or the README that says what the
/// folder is for, as `output/` has in the repository)?
fn is_gazex_name(name: &str) -> bool {
    FILES.contains(&name)
        || DERIVED.contains(&name)
        || name.starts_with(".gazex-")
        || name == "README.md"
}

/// An output folder being written.
#[derive(Debug)]
pub(crate) struct OutDir {
    dir: PathBuf,
}

impl OutDir {
    /// Creates or claims `dir`. A folder that holds anything but a previous gazex output is
    /// refused unless `force`; with `force`, only gazex's own files are replaced.
    pub(crate) fn create(dir: &Path, force: bool) -> Result<Self> {
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
            let name = e.file_name().to_string_lossy().into_owned();
            // A README that says what the folder is for (as `output/` has in the repository)
            // does not make it a used output folder.
            non_empty |= name != "README.md";
            if !is_gazex_name(&name) {
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
        // An old manifest must not claim completeness while we write, and an old checkpoint
        // must not be resumed into this run; a report or graph of the old run would describe
        // another run than the folder's.
        out.mark_incomplete()?;
        remove_derived(dir).map_err(|e| Error::io(dir, e))?;
        for e in std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(".gazex-") {
                let p = e.path();
                std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
            }
        }
        Ok(out)
    }

    /// Claims `dir` to resume an interrupted run: a missing or empty folder is created and
    /// started afresh, a folder with a complete manifest is reported as complete (its manifest
    /// is returned), and a folder holding anything but gazex output is refused.
    pub(crate) fn resume(dir: &Path) -> Result<(Self, Option<Manifest>)> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{}: output path exists and is not a folder: pick another --out",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut other = Vec::new();
        for e in std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if !is_gazex_name(&name) {
                other.push(name);
            }
        }
        if !other.is_empty() {
            other.sort();
            return Err(Error::Usage(format!(
                "{}: --resume continues a gazex output folder, but this one also holds {}",
                dir.display(),
                other.join(", ")
            )));
        }
        let out = OutDir {
            dir: dir.to_path_buf(),
        };
        let manifest = Manifest::read_complete(dir);
        if manifest.is_none() {
            out.mark_incomplete()?;
        }
        Ok((out, manifest))
    }

    /// Writes a `manifest.json` that says `"complete": false`, replaced at the very end.
    pub(crate) fn mark_incomplete(&self) -> Result<()> {
        let m = self.dir.join("manifest.json");
        let tmp = self.temp("manifest.json");
        std::fs::write(&tmp, manifest::incomplete()).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &m).map_err(|e| Error::io(&m, e))
    }

    /// Reopens the temporary file of `name` to append after its first `len` bytes (resume). A
    /// file already renamed to its final name is moved back first.
    pub(crate) fn reopen(&self, name: &str, len: u64) -> Result<Writer> {
        let path = self.temp(name);
        let dest = self.dir.join(name);
        if !path.exists() && dest.exists() {
            std::fs::rename(&dest, &path).map_err(|e| Error::io(&path, e))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let have = f.metadata().map_err(|e| Error::io(&path, e))?.len();
        if have < len {
            return Err(Error::Usage(format!(
                "{}: shorter ({have} bytes) than the checkpoint says ({len}): cannot resume; start again with --force",
                path.display()
            )));
        }
        f.set_len(len).map_err(|e| Error::io(&path, e))?;
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(len))
            .map_err(|e| Error::io(&path, e))?;
        Ok(Writer {
            inner: BufWriter::with_capacity(1 << 20, f),
            path,
            name: name.to_string(),
            written: len,
        })
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// The temporary path of a file being written.
    pub(crate) fn temp(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".gazex-{name}.tmp"))
    }

    /// Opens the temporary file for `name`.
    pub(crate) fn open(&self, name: &str) -> Result<Writer> {
        let path = self.temp(name);
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Writer {
            inner: BufWriter::with_capacity(1 << 20, f),
            path,
            name: name.to_string(),
            written: 0,
        })
    }

    /// Renames a finished temporary file to its final name.
    pub(crate) fn commit(&self, w: Writer) -> Result<()> {
        let Writer {
            inner, path, name, ..
        } = w;
        let f = inner
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        f.sync_all().map_err(|e| Error::io(&path, e))?;
        let dest = self.dir.join(&name);
        std::fs::rename(&path, &dest).map_err(|e| Error::io(&dest, e))
    }
}

/// A file being written under its temporary name.
#[derive(Debug)]
pub(crate) struct Writer {
    inner: BufWriter<File>,
    path: PathBuf,
    name: String,
    written: u64,
}

impl Writer {
    /// Appends bytes, naming the file on failure.
    pub(crate) fn write_all(&mut self, b: &[u8]) -> Result<()> {
        self.written += b.len() as u64;
        self.inner
            .write_all(b)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes and syncs what was written; returns the file's length (for checkpoints).
    pub(crate) fn sync(&mut self) -> Result<u64> {
        self.inner.flush().map_err(|e| Error::io(&self.path, e))?;
        self.inner
            .get_ref()
            .sync_data()
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(self.written)
    }

    /// The underlying buffered writer (for table writers).
    pub(crate) fn inner(&mut self) -> &mut BufWriter<File> {
        &mut self.inner
    }

    /// The temporary path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}
