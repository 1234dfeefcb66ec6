//! Typed failures that carry keyctl's documented exit code up to `main`.

use std::fmt;
use std::path::Path;

/// The exit codes of SPEC §5; stable, documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Runtime failure: I/O, corrupt or foreign database, newer schema.
    Runtime = 1,
    /// Bad flag, argument or value; destructive action without `--yes` off a terminal.
    Usage = 2,
    /// Key, user or event not found.
    NotFound = 3,
    /// Unknown operator, missing role or licence, not the owner.
    Denied = 4,
    /// Refused by policy or state.
    Refused = 5,
    /// A bulk run where some items succeeded and some failed.
    Partial = 6,
}

impl Code {
    /// The process exit status for this code.
    pub fn status(self) -> u8 {
        self as u8
    }
}

/// An error whose exit code is known; anything else maps to [`Code::Runtime`].
#[derive(Debug)]
pub struct Failure {
    /// The exit code the process ends with.
    pub code: Code,
    /// A one-line message for the user; never contains a secret.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// A command-line value that does not parse: what clap's value parsers return, with the
/// one-line message `main` prints as it stands (exit 2), as for any other usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue(pub String);

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidValue {}

/// Builds an [`anyhow::Error`] carrying `code`.
pub fn fail(code: Code, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        code,
        message: message.into(),
    })
}

/// Untrusted input as echoed in a message or the log: control characters escaped, at
/// most 64 characters, and never the secret of a key pasted by mistake.
pub fn echo(text: &str) -> String {
    let text = crate::token::redact(text);
    let escaped: String = text.chars().take(64).flat_map(char::escape_debug).collect();
    if text.chars().count() > 64 {
        format!("{escaped}…")
    } else {
        escaped
    }
}

/// A usage error (exit 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    fail(Code::Usage, message)
}

/// A not-found error (exit 3).
pub fn not_found(message: impl Into<String>) -> anyhow::Error {
    fail(Code::NotFound, message)
}

/// A permission error (exit 4).
pub fn denied(message: impl Into<String>) -> anyhow::Error {
    fail(Code::Denied, message)
}

/// A refusal by policy or state (exit 5).
pub fn refused(message: impl Into<String>) -> anyhow::Error {
    fail(Code::Refused, message)
}

/// The exit code of an error: the first [`Failure`] in its chain, else runtime.
pub fn code_of(err: &anyhow::Error) -> Code {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map_or(Code::Runtime, |f| f.code)
}

/// Whether the error is a closed pipe on output, which ends a command quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(|c| {
                matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            })
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// Refuses at once (exit 1) a database path that exists but is not a regular file: a
/// directory, a FIFO (opening it would wait forever for a writer), a device or a socket.
pub fn check_regular_file(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(()); // missing: the caller says so, naming `keyctl init`
    };
    let t = meta.file_type();
    let kind = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(fail(
        Code::Runtime,
        format!(
            "{} is not a regular file ({kind}); a tenant database is a file: \
             name one with --db / KEYCTL_DB",
            path.display()
        ),
    ))
}

/// Why the tenant at `path` cannot be written: the file itself is read-only, or (a
/// writable file) its directory is not writable, where SQLite must create its
/// `-wal` and `-shm` files beside the database.
pub fn not_writable(path: &Path) -> String {
    let writable = |p: &Path| {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: access(2) on a NUL-terminated path we own.
        unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if writable(path) && !writable(dir) {
        format!(
            "{} cannot be written: the file is writable but its directory {} is not, and \
             SQLite needs to create {}-wal and -shm there; this command needs to write, \
             nothing changed",
            path.display(),
            dir.display(),
            path.display()
        )
    } else {
        format!(
            "{} is read-only: this command needs to write to it; nothing changed",
            path.display()
        )
    }
}
