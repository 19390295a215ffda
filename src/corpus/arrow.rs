//! Arrow inputs (`--input-format arrow`): every input, a file (also compressed) or standard
//! input, is an Arrow IPC stream or file whose rows are documents (read by `arrow::read`).

use super::Entry;
use crate::arrow::read::{skipped, ArrowDocuments};
use crate::document::{decompressing, Compression, Document, ReadOptions};
use std::fs::File;
use std::io::{stdin, BufRead, BufReader};

/// The documents of the inputs of an `--input-format arrow` run, in order.
pub(crate) struct ArrowInputs {
    entries: std::vec::IntoIter<Entry>,
    current: Option<ArrowDocuments>,
    opts: ReadOptions,
}

impl ArrowInputs {
    /// The documents of `entries`.
    pub(crate) fn new(entries: Vec<Entry>, opts: &ReadOptions) -> Self {
        ArrowInputs {
            entries: entries.into_iter(),
            current: None,
            opts: opts.clone(),
        }
    }

    /// The next document after skipping `skip` of them (the resume's count), counting down.
    pub(crate) fn next_kept(&mut self, skip: &mut usize) -> Option<Document> {
        loop {
            let d = self.next()?;
            if *skip == 0 {
                return Some(d);
            }
            *skip -= 1;
        }
    }
}

impl Iterator for ArrowInputs {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        loop {
            if let Some(d) = self.current.as_mut().and_then(Iterator::next) {
                return Some(d);
            }
            let (input, source): (Box<dyn BufRead + Send>, String) = match self.entries.next()? {
                Entry::Stdin => (
                    Box::new(BufReader::with_capacity(1 << 20, stdin())),
                    "-".into(),
                ),
                Entry::File(path, id, _) => {
                    let name = path.display().to_string();
                    match File::open(&path).and_then(|f| decompressing(f, Compression::of(&name))) {
                        Ok(r) => (Box::new(BufReader::with_capacity(1 << 20, r)), name),
                        Err(e) => return Some(skipped(name, id, format!("cannot read: {e}"))),
                    }
                }
                Entry::Skipped(path, id, why) => {
                    let mut d = skipped(path.display().to_string(), id, String::new());
                    d.warnings = vec![why];
                    return Some(d);
                }
            };
            self.current = Some(ArrowDocuments::new(input, &source, &self.opts));
        }
    }
}
