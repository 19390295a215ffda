//! `gazex completions <SHELL>` and `gazex man`: shell completion scripts (`clap_complete`)
//! and a roff man page (`clap_mangen`), generated from the clap definitions and printed on
//! standard output, so they never drift from the command line they describe.

use anyhow::Result;
use clap::CommandFactory;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Print the man page (roff) of gazex or of one subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// A subcommand (`extract`, `gazetteer`, ...); none: the main page.
    subcommand: Option<String>,
}

pub(crate) fn completions(a: CompletionArgs) -> Result<i32> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "gazex", &mut buf);
    write_out(&buf)
}

pub(crate) fn man(a: ManArgs) -> Result<i32> {
    let mut cmd = super::Cli::command();
    cmd.build();
    let page = match &a.subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => {
                let full = format!("gazex-{}", sub.get_name());
                sub.clone()
                    .display_name(full.clone())
                    .bin_name(full)
                    .version(env!("CARGO_PKG_VERSION"))
            }
            None => {
                return Err(crate::Error::Usage(format!(
                    "no subcommand `{name}`: see `gazex --help` for the list"
                ))
                .into())
            }
        },
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(|e| crate::Error::io("<man page>", e))?;
    write_out(&buf)
}

fn write_out(buf: &[u8]) -> Result<i32> {
    super::out::stdout(buf)?;
    Ok(0)
}
