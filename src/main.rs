//! The `gazex` binary: tunes the allocator and runs the command line (`gazex::cli`), which
//! parses arguments, calls the library and maps errors to exit status (0 done, 1 run-time
//! failure, 2 bad usage or configuration).

fn main() {
    tune_allocator();
    let code = gazex::cli::main();
    std::process::exit(code);
}

/// Makes glibc's malloc grow its heaps in steps of 64 MiB instead of a few pages. Each step
/// is an `mprotect` call that takes the process's memory-map lock and stalls the other
/// threads' page faults: compiling a 150,000-name gazetteer on two threads made 2,100 of
/// them and took a third longer. Reserved pages that are never touched cost no memory.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets a malloc parameter, and no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
