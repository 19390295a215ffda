//! The `gazex` command line: parses arguments (clap), calls the library, maps errors to exit
//! status (0 done, 1 run-time failure, 2 bad usage or configuration).

mod cli;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
