//! Naming and reaching a PostgreSQL tenant: the `postgres://` URL (SPEC §11), its
//! password from the URL, `PGPASSWORD` or the password file, TLS by `sslmode`, and a
//! connect bounded by `connect_timeout` as a whole (TCP, TLS and login).
//!
//! No message built here ever holds the password: [`Target`] displays as
//! `user@host:port/dbname`, and driver messages are scrubbed before they are shown.

use crate::error::{Code, fail};
use anyhow::Result;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The default `connect_timeout`, as libpq leaves it to the caller: 10 s for the whole
/// start (TCP, TLS and login).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The tenant write lock's bound (`lock_timeout`, set on every session).
pub const LOCK_TIMEOUT: &str = "30s";

/// Where a tenant lives, as shown in every message: never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The role to log in as.
    pub user: String,
    /// A host name, an IP address, or (starting with `/`) a Unix-socket directory.
    pub host: String,
    /// The TCP port (or the socket file's number).
    pub port: u16,
    /// The database.
    pub dbname: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') && !self.host.starts_with('/') {
            format!("[{}]", self.host) // an IPv6 address
        } else {
            self.host.clone()
        };
        write!(f, "{}@{host}:{}/{}", self.user, self.port, self.dbname)
    }
}

/// `sslmode`, as in libpq (without `allow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP.
    Disable,
    /// TLS when the server offers it (unverified), else plain: the default.
    Prefer,
    /// TLS, encrypting without checking the certificate.
    Require,
    /// TLS, the certificate chain checked against the root certificates.
    VerifyCa,
    /// TLS, the chain and the server's name checked.
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

/// A parsed `postgres://` URL. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Params {
    /// Where to connect, for messages.
    pub target: Target,
    /// The password given in the URL itself (see [`Params::password`] for the others).
    url_password: Option<String>,
    /// `sslmode` (default `prefer`).
    pub sslmode: SslMode,
    /// `sslrootcert`: a PEM file of trusted roots, or `system` for the OS store.
    pub sslrootcert: Option<PathBuf>,
    /// `connect_timeout` (default 10 s; `0` means the default too).
    pub connect_timeout: Duration,
    /// `application_name` (default `keyctl`).
    pub application_name: String,
    /// `options`, passed to the server as given (e.g. `-csearch_path=tenant_a`).
    pub options: Option<String>,
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("target", &self.target)
            .field("url_password", &self.url_password.as_ref().map(|_| "***"))
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("options", &self.options)
            .finish()
    }
}

/// Whether `db` names a PostgreSQL tenant rather than a file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn bad_url(why: impl fmt::Display) -> anyhow::Error {
    fail(Code::Usage, format!("invalid PostgreSQL URL: {why}"))
}

fn percent_decode(s: &str, what: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad_url(format!("bad %-escape in the {what}")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad_url(format!("the {what} is not UTF-8")))
}

/// The scheme-less remainder of a URL split at its first `?`, and `@`.
fn split_url(url: &str) -> Result<(&str, Option<&str>, &str)> {
    let rest = url
        .strip_prefix("postgresql://")
        .or_else(|| url.strip_prefix("postgres://"))
        .ok_or_else(|| bad_url("it must start with postgres:// or postgresql://"))?;
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, q),
        None => (rest, ""),
    };
    // The user info ends at the last `@` before the path.
    let authority_end = main.find('/').unwrap_or(main.len());
    match main[..authority_end].rfind('@') {
        Some(at) => Ok((&main[at + 1..], Some(&main[..at]), query)),
        None => Ok((main, None, query)),
    }
}

/// Parses a `postgres://[user[:password]@][host][:port][/dbname][?param=value&…]` URL.
/// Unknown parameters are refused (as libpq does), so a typo is not silently ignored.
/// A user left out is `PGUSER`, else the OS login name; the database defaults to the
/// user's name; an empty host is the local socket directory.
pub fn parse(url: &str) -> Result<Params> {
    let (main, userinfo, query) = split_url(url)?;
    let (mut user, mut password) = (None, None);
    if let Some(info) = userinfo {
        let (u, p) = match info.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (info, None),
        };
        if !u.is_empty() {
            user = Some(percent_decode(u, "user name")?);
        }
        if let Some(p) = p {
            password = Some(percent_decode(p, "password")?);
        }
    }
    let (hostport, path) = match main.find('/') {
        Some(i) => (&main[..i], &main[i + 1..]),
        None => (main, ""),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| bad_url("unclosed [ in the host"))?;
        (h.to_owned(), after.strip_prefix(':'))
    } else if hostport.contains(',') {
        return Err(bad_url("several hosts are not supported; name one"));
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (percent_decode(h, "host")?, Some(p)),
            None => (percent_decode(hostport, "host")?, None),
        }
    };
    let mut host = host;
    let mut port = port.filter(|p| !p.is_empty()).map(str::to_owned);
    let mut dbname = (!path.is_empty())
        .then(|| percent_decode(path, "database name"))
        .transpose()?;
    let mut params = Params {
        target: Target {
            user: String::new(),
            host: String::new(),
            port: 5432,
            dbname: String::new(),
        },
        url_password: None,
        sslmode: SslMode::Prefer,
        sslrootcert: None,
        connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        application_name: "keyctl".to_owned(),
        options: None,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            bad_url(format!(
                "parameter without a value: {}",
                crate::error::echo(pair)
            ))
        })?;
        let k = percent_decode(k, "parameter name")?;
        let v = percent_decode(v, "parameter value")?;
        match k.as_str() {
            "sslmode" => {
                params.sslmode = SslMode::parse(&v).ok_or_else(|| {
                    bad_url(format!(
                        "sslmode {} (use disable, prefer, require, verify-ca or verify-full)",
                        crate::error::echo(&v)
                    ))
                })?;
            }
            "sslrootcert" => params.sslrootcert = Some(PathBuf::from(v)),
            "connect_timeout" => {
                let secs: u64 = v.trim().parse().map_err(|_| {
                    bad_url(format!(
                        "connect_timeout {} (whole seconds)",
                        crate::error::echo(&v)
                    ))
                })?;
                if secs > 0 {
                    params.connect_timeout = Duration::from_secs(secs);
                }
            }
            "application_name" => params.application_name = v,
            "options" => params.options = Some(v),
            "host" => host = v,
            "port" => port = Some(v),
            "user" => user = Some(v),
            "password" => password = Some(v),
            "dbname" => dbname = Some(v),
            _ => {
                return Err(bad_url(format!(
                    "unknown parameter {}",
                    crate::error::echo(&k)
                )));
            }
        }
    }
    params.target.port = match port {
        Some(p) => p
            .parse()
            .ok()
            .filter(|&p| p > 0)
            .ok_or_else(|| bad_url(format!("port {}", crate::error::echo(&p))))?,
        None => 5432,
    };
    params.target.host = if host.is_empty() {
        default_host()
    } else {
        host
    };
    params.target.user = match user {
        Some(u) => u,
        None => default_user()?,
    };
    params.target.dbname = dbname.unwrap_or_else(|| params.target.user.clone());
    params.url_password = password;
    Ok(params)
}

/// libpq's default on Debian: the local socket directory, when it exists.
fn default_host() -> String {
    const SOCKET_DIR: &str = "/var/run/postgresql";
    if Path::new(SOCKET_DIR).is_dir() {
        SOCKET_DIR.to_owned()
    } else {
        "localhost".to_owned()
    }
}

fn default_user() -> Result<String> {
    if let Ok(u) = std::env::var("PGUSER")
        && !u.is_empty()
    {
        return Ok(u);
    }
    whoami::username().map_err(|e| bad_url(format!("no user given and no login name ({e})")))
}

/// The URL with its password replaced by `***` (a password given as a `password=`
/// parameter too), for messages and the `tenant.copied` event. Anything that is not a
/// PostgreSQL URL is returned as it is.
pub fn redacted(url: &str) -> String {
    if !is_url(url) {
        return url.to_owned();
    }
    let scheme_len = url.find("://").map_or(0, |i| i + 3);
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    let authority_end = before_query[scheme_len..]
        .find('/')
        .map_or(before_query.len(), |i| i + scheme_len);
    match before_query[scheme_len..authority_end].rfind('@') {
        Some(at) => {
            let at = at + scheme_len;
            let info = &before_query[scheme_len..at];
            out.push_str(&before_query[..scheme_len]);
            match info.split_once(':') {
                Some((u, _)) => {
                    out.push_str(u);
                    out.push_str(":***");
                }
                None => out.push_str(info),
            }
            out.push_str(&before_query[at..]);
        }
        None => out.push_str(before_query),
    }
    if let Some(q) = query {
        out.push('?');
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some(("password", _)) => "password=***".to_owned(),
                _ => pair.to_owned(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    out
}

impl Params {
    /// The password: the URL's, else `PGPASSWORD`, else the password file's entry.
    pub fn password(&self) -> Option<String> {
        if let Some(p) = &self.url_password {
            return Some(p.clone());
        }
        if let Ok(p) = std::env::var("PGPASSWORD")
            && !p.is_empty()
        {
            return Some(p);
        }
        let file = passfile_path()?;
        passfile_lookup(&file, &self.target)
    }

    /// Connects, bounded by `connect_timeout` as a whole, and sets up the session
    /// (`lock_timeout` 30 s, no `statement_timeout`). Errors are one line naming the
    /// target (exit 1), never the password.
    pub fn connect(&self) -> Result<postgres::Client> {
        let password = self.password();
        let target = self.target.clone();
        let failed = |cause: String| {
            let cause = match &password {
                Some(p) if !p.is_empty() => cause.replace(p.as_str(), "***"),
                _ => cause,
            };
            fail(
                Code::Runtime,
                format!("cannot connect to {target}: {cause}"),
            )
        };
        let mut config = postgres::Config::new();
        config
            .user(&self.target.user)
            .dbname(&self.target.dbname)
            .port(self.target.port)
            .application_name(&self.application_name)
            .connect_timeout(self.connect_timeout);
        if self.target.host.starts_with('/') {
            config.host_path(&self.target.host);
        } else {
            config.host(&self.target.host);
        }
        if let Some(p) = &password {
            config.password(p);
        }
        if let Some(o) = &self.options {
            config.options(o);
        }
        let tls = match self.sslmode {
            SslMode::Disable => None,
            mode => {
                config.ssl_mode(if mode == SslMode::Prefer {
                    postgres::config::SslMode::Prefer
                } else {
                    postgres::config::SslMode::Require
                });
                Some(tls_connector(mode, self.sslrootcert.as_deref()).map_err(&failed)?)
            }
        };
        let timeout = self.connect_timeout;
        let prefer = self.sslmode == SslMode::Prefer;
        // The driver bounds each TCP attempt; a server that accepts and then stalls in
        // TLS or login is bounded here: the connect runs on its own thread and is
        // abandoned at the deadline.
        let (send, recv) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("keyctl-pg-connect".into())
            .spawn(move || {
                let result = match tls {
                    None => config.connect(postgres::NoTls),
                    Some(tls) => config.connect(tls).or_else(|e| {
                        // `prefer`, as in libpq: a failed TLS handshake is retried in plain.
                        if prefer && is_tls_failure(&e) {
                            config.ssl_mode(postgres::config::SslMode::Disable);
                            config.connect(postgres::NoTls)
                        } else {
                            Err(e)
                        }
                    }),
                }
                .and_then(|mut client| {
                    client.batch_execute(&format!(
                        "SET lock_timeout = '{LOCK_TIMEOUT}'; SET statement_timeout = 0"
                    ))?;
                    Ok(client)
                });
                let _ = send.send(result);
            })
            .map_err(|e| failed(format!("cannot start the connection thread: {e}")))?;
        match recv.recv_timeout(timeout) {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(e)) => Err(failed(describe(&e))),
            Err(_) => Err(failed(format!(
                "no answer within {} s (connect_timeout)",
                timeout.as_secs()
            ))),
        }
    }
}

/// Parses `url` and connects: see [`parse`] and [`Params::connect`].
#[allow(dead_code)] // the backend connects through `Params`; kept for tools and tests
pub fn connect(url: &str) -> Result<postgres::Client> {
    parse(url)?.connect()
}

/// One line for a driver error: its own words, then each cause, the server's message
/// rather than the driver's wrapping, and a hint where the fix is known.
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = db.message().to_owned();
        if let Some(hint) = db.hint() {
            s.push_str(&format!(" ({hint})"));
        }
        return s;
    }
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    let s = parts.join(": ");
    if s.contains("password missing") {
        return "the server asks for a password and none was given: put it in PGPASSWORD \
                or the password file (~/.pgpass, mode 0600) rather than the URL"
            .to_owned();
    }
    s.replace('\n', " ")
}

/// Whether the connect failed in the TLS handshake (not in TCP or login).
fn is_tls_failure(e: &postgres::Error) -> bool {
    e.to_string() == "error performing TLS handshake"
}

/// The password file: `PGPASSFILE`, else `~/.pgpass`.
fn passfile_path() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")),
    }
}

/// The password for `target` in the password file `path`, as libpq reads it: ignored
/// (with a warning) unless it is a regular file of mode 0600 or stricter; lines
/// `hostname:port:database:username:password`, `*` matching anything, `\:` and `\\`
/// escaping, `#` starting a comment; the first matching line wins. A socket
/// connection matches `localhost`, as in libpq.
pub fn passfile_lookup(path: &Path, target: &Target) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    if meta.permissions().mode() & 0o077 != 0 {
        eprintln!(
            "warning: password file {} has group or world access; permissions should be \
             u=rw (0600) or less: ignored",
            path.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    passfile_find(&text, target)
}

fn passfile_find(text: &str, target: &Target) -> Option<String> {
    let host = if target.host.starts_with('/') {
        "localhost"
    } else {
        target.host.as_str()
    };
    let port = target.port.to_string();
    let wanted = [
        host,
        port.as_str(),
        target.dbname.as_str(),
        target.user.as_str(),
    ];
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = passfile_fields(line);
        if fields.len() < 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(wanted)
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

/// Splits a password-file line at unescaped `:` into at most five fields (the last one,
/// the password, takes the rest), removing the escapes.
fn passfile_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().expect("one field").push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// The rustls connector for `mode`: `prefer`/`require` encrypt without checking the
/// certificate (as libpq does); `verify-ca` checks the chain against `sslrootcert`
/// (else the system store); `verify-full` checks the chain and the host name.
fn tls_connector(
    mode: SslMode,
    rootcert: Option<&Path>,
) -> std::result::Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    use rustls::client::danger::ServerCertVerifier;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?;
    let chain = match mode {
        SslMode::Prefer | SslMode::Require | SslMode::Disable => None,
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let roots = root_store(rootcert)?;
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider.clone(),
            )
            .build()
            .map_err(|e| format!("TLS set-up: {e}"))?;
            Some(webpki)
        }
    };
    let verifier: Arc<dyn ServerCertVerifier> = match chain {
        Some(webpki) if mode == SslMode::VerifyFull => webpki,
        chain => Arc::new(tls::Relaxed { provider, chain }),
    };
    let config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The trusted roots: the PEM file `sslrootcert`, or the system store when it is absent
/// or `system`.
fn root_store(rootcert: Option<&Path>) -> std::result::Result<rustls::RootCertStore, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match rootcert.filter(|p| p.as_os_str() != "system") {
        Some(path) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<std::result::Result<_, _>>())
                .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "sslrootcert {} holds no usable certificate",
                    path.display()
                ));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err("no sslrootcert given and no system root certificates found".to_owned());
            }
        }
    }
    Ok(roots)
}

/// The certificate verifier rustls does not provide.
mod tls {
    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};
    use std::sync::Arc;

    /// `sslmode=require`/`prefer` (no `chain`): any certificate; `sslmode=verify-ca`
    /// (`chain`): the chain must lead to a trusted root, but the name may differ. Either
    /// way the handshake's signatures are still checked, so the session key is the
    /// certificate holder's.
    #[derive(Debug)]
    pub struct Relaxed {
        pub provider: Arc<CryptoProvider>,
        pub chain: Option<Arc<WebPkiServerVerifier>>,
    }

    impl ServerCertVerifier for Relaxed {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            let Some(chain) = &self.chain else {
                return Ok(ServerCertVerified::assertion());
            };
            match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
                Err(Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => Ok(ServerCertVerified::assertion()),
                other => other,
            }
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.provider.signature_verification_algorithms;
            verify_tls12_signature(message, cert, dss, algorithms)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            let algorithms = &self.provider.signature_verification_algorithms;
            verify_tls13_signature(message, cert, dss, algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::code_of;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    const SECRET: &str = "s3cret-Pw_9";

    fn target(host: &str, port: u16, db: &str, user: &str) -> Target {
        Target {
            user: user.into(),
            host: host.into(),
            port,
            dbname: db.into(),
        }
    }

    #[test]
    fn parses_every_part_and_parameter() {
        let p = parse(
            "postgresql://al%40ice:p%3Ass@db.example.com:6543/ten%20ant?sslmode=verify-full\
             &sslrootcert=/etc/ca.pem&connect_timeout=3&application_name=ci\
             &options=-csearch_path%3Dtenant_a",
        )
        .unwrap();
        assert_eq!(
            p.target,
            target("db.example.com", 6543, "ten ant", "al@ice")
        );
        assert_eq!(p.url_password.as_deref(), Some("p:ss"));
        assert_eq!(p.sslmode, SslMode::VerifyFull);
        assert_eq!(p.sslrootcert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(p.connect_timeout, Duration::from_secs(3));
        assert_eq!(p.application_name, "ci");
        assert_eq!(p.options.as_deref(), Some("-csearch_path=tenant_a"));
        assert_eq!(p.target.to_string(), "al@ice@db.example.com:6543/ten ant");
    }

    #[test]
    fn defaults_follow_libpq() {
        let p = parse("postgres://bob@127.0.0.1/keys").unwrap();
        assert_eq!(p.target, target("127.0.0.1", 5432, "keys", "bob"));
        assert_eq!(p.sslmode, SslMode::Prefer);
        assert_eq!(p.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        assert_eq!(p.application_name, "keyctl");
        assert_eq!(p.url_password, None);
        // The database defaults to the user's name.
        assert_eq!(parse("postgres://bob@h").unwrap().target.dbname, "bob");
        let v6 = parse("postgres://bob@[::1]:5433/d").unwrap();
        assert_eq!(v6.target.to_string(), "bob@[::1]:5433/d");
        let sock = parse("postgres://bob@%2Fvar%2Frun%2Fpostgresql/d").unwrap();
        assert_eq!(sock.target.host, "/var/run/postgresql");
        let by_param = parse("postgres:///d?host=/tmp&port=5499&user=u").unwrap();
        assert_eq!(by_param.target, target("/tmp", 5499, "d", "u"));
    }

    #[test]
    fn refuses_bad_urls_without_echoing_the_password() {
        for url in [
            format!("mysql://u:{SECRET}@h/d"),
            format!("postgres://u:{SECRET}@h/d?sslmode=bogus"),
            format!("postgres://u:{SECRET}@h/d?sslmod=require"),
            format!("postgres://u:{SECRET}@h:99999/d"),
            format!("postgres://u:{SECRET}@h/d?connect_timeout=soon"),
            format!("postgres://u:{SECRET}@h1,h2/d"),
            format!("postgres://u:{SECRET}@h/d?password"),
        ] {
            let err = parse(&url).unwrap_err();
            let text = format!("{err:#}");
            assert_eq!(code_of(&err), Code::Usage, "{text}");
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains('\n'), "{text}");
        }
    }

    #[test]
    fn password_never_in_display_or_debug() {
        let p = parse(&format!("postgres://u:{SECRET}@h/d?sslmode=require")).unwrap();
        assert!(!p.target.to_string().contains(SECRET));
        assert!(!format!("{p:?}").contains(SECRET));
        assert_eq!(p.password().as_deref(), Some(SECRET));
    }

    #[test]
    fn redacted_hides_every_password() {
        assert_eq!(
            redacted(&format!("postgres://u:{SECRET}@h:5/d?sslmode=require")),
            "postgres://u:***@h:5/d?sslmode=require"
        );
        assert_eq!(
            redacted(&format!("postgresql://h/d?user=u&password={SECRET}")),
            "postgresql://h/d?user=u&password=***"
        );
        assert_eq!(redacted("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redacted("/tmp/tenant.db"), "/tmp/tenant.db");
        // A password holding `@` or `/` is still hidden whole.
        let r = redacted("postgres://u:a%40b@h/d");
        assert_eq!(r, "postgres://u:***@h/d");
    }

    #[test]
    fn passfile_lines_wildcards_and_escapes() {
        let text = "# comment\n\
                    other:5432:*:u:wrong\n\
                    h:5432:d\\:x:u:colon-db\n\
                    *:5432:*:u:pa\\:ss\\\\word:tail\n\
                    *:*:*:*:fallback\n";
        let find = |t: Target| passfile_find(text, &t);
        assert_eq!(
            find(target("h", 5432, "d:x", "u")).as_deref(),
            Some("colon-db")
        );
        assert_eq!(
            find(target("h", 5432, "d", "u")).as_deref(),
            Some("pa:ss\\word:tail")
        );
        assert_eq!(
            find(target("h", 6000, "d", "v")).as_deref(),
            Some("fallback")
        );
        // A socket connection matches `localhost`.
        let sock = passfile_find(
            "localhost:5432:d:u:local\n",
            &target("/run/pg", 5432, "d", "u"),
        );
        assert_eq!(sock.as_deref(), Some("local"));
        assert_eq!(
            passfile_find("h:5432:d\n", &target("h", 5432, "d", "u")),
            None
        );
    }

    #[test]
    fn passfile_ignored_unless_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:from-file\n").unwrap();
        let t = target("h", 5432, "d", "u");
        for (mode, expect) in [
            (0o600, Some("from-file")),
            (0o400, Some("from-file")),
            (0o640, None),
            (0o604, None),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(
                passfile_lookup(&path, &t).as_deref(),
                expect,
                "mode {mode:o}"
            );
        }
        assert_eq!(passfile_lookup(dir.path(), &t), None, "a directory");
        assert_eq!(passfile_lookup(&dir.path().join("none"), &t), None);
    }

    fn refused(url: &str) -> anyhow::Error {
        match connect(url) {
            Ok(_) => panic!("connected to {}", redacted(url)),
            Err(e) => e,
        }
    }

    /// One line, exit 1, naming the target, never the password.
    fn assert_plain(err: &anyhow::Error, target: &str) -> String {
        let text = format!("{err:#}");
        assert_eq!(code_of(err), Code::Runtime, "{text}");
        assert!(
            text.starts_with(&format!("cannot connect to {target}: ")),
            "{text}"
        );
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains('\n'), "{text}");
        text
    }

    #[test]
    fn server_down_is_one_plain_line() {
        // A port nobody listens on: bind, note it, close.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = refused(&format!(
            "postgres://u:{SECRET}@127.0.0.1:{port}/d?sslmode=disable"
        ));
        let text = assert_plain(&err, &format!("u@127.0.0.1:{port}/d"));
        assert!(text.contains("refused"), "{text}");
    }

    #[test]
    fn a_stalled_server_is_bounded_by_connect_timeout() {
        // Accepts the TCP connection and never answers: only the whole-start deadline
        // can end this.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let _hold = std::thread::spawn(move || {
            let conns: Vec<_> = listener.incoming().take(2).collect();
            std::thread::sleep(Duration::from_secs(30));
            drop(conns);
        });
        let started = std::time::Instant::now();
        let err = refused(&format!(
            "postgres://u:{SECRET}@127.0.0.1:{port}/d?connect_timeout=1&sslmode=disable"
        ));
        let elapsed = started.elapsed();
        let text = assert_plain(&err, &format!("u@127.0.0.1:{port}/d"));
        assert!(text.contains("connect_timeout"), "{text}");
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    }

    /// A fake server that asks for a cleartext password and answers with an error
    /// quoting it back, as a hostile or careless server might: the password must not
    /// reach the message. (The shared test server uses trust authentication and must not
    /// be reconfigured, so a real refused login is not tested here.)
    #[test]
    fn a_refused_login_is_one_line_without_the_password() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).unwrap();
            let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            s.read_exact(&mut startup).unwrap();
            s.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).unwrap(); // cleartext password
            let mut tag = [0u8; 5];
            s.read_exact(&mut tag).unwrap();
            let mut body = vec![0u8; u32::from_be_bytes(tag[1..].try_into().unwrap()) as usize - 4];
            s.read_exact(&mut body).unwrap();
            let got = String::from_utf8_lossy(&body[..body.len() - 1]).into_owned();
            let mut fields = Vec::new();
            for (k, v) in [
                (b'S', "FATAL"),
                (b'V', "FATAL"),
                (b'C', "28P01"),
                (
                    b'M',
                    &format!("password authentication failed for user \"u\" ({got})"),
                ),
            ] {
                fields.push(k);
                fields.extend_from_slice(v.as_bytes());
                fields.push(0);
            }
            fields.push(0);
            let mut msg = vec![b'E'];
            msg.extend_from_slice(&(fields.len() as u32 + 4).to_be_bytes());
            msg.extend_from_slice(&fields);
            s.write_all(&msg).unwrap();
            got
        });
        let err = refused(&format!(
            "postgres://u:{SECRET}@127.0.0.1:{port}/d?sslmode=disable"
        ));
        assert_eq!(
            server.join().unwrap(),
            SECRET,
            "the fake server saw the password"
        );
        let text = assert_plain(&err, &format!("u@127.0.0.1:{port}/d"));
        assert!(text.contains("password authentication failed"), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    /// The test server's URL with `sslmode` and friends, when the server offers TLS with
    /// the Debian snake-oil certificate (issued for `localhost`).
    fn tls_server() -> Option<(String, u16)> {
        let server = super::super::testdb::server_url()?;
        let p = parse(&server).ok()?;
        let cert = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
        let mut c = p.connect().ok()?;
        let ssl: String = c.query_one("SHOW ssl", &[]).ok()?.get(0);
        let file: String = c.query_one("SHOW ssl_cert_file", &[]).ok()?.get(0);
        if ssl != "on" || file != cert || p.target.host.starts_with('/') {
            eprintln!("note: TLS tests skipped: the test server does not use {cert}");
            return None;
        }
        Some((p.target.user, p.target.port))
    }

    #[test]
    fn tls_modes_against_the_test_server() {
        let Some((user, port)) = tls_server() else {
            return;
        };
        let cert = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
        let encrypted = |url: String| -> bool {
            let mut c = connect(&url).unwrap_or_else(|e| panic!("{url}: {e:#}"));
            c.query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .unwrap()
            .get(0)
        };
        let base = |host: &str| format!("postgres://{user}@{host}:{port}/postgres");
        assert!(encrypted(format!("{}?sslmode=require", base("127.0.0.1"))));
        assert!(encrypted(base("127.0.0.1")), "prefer encrypts when offered");
        assert!(!encrypted(format!("{}?sslmode=disable", base("127.0.0.1"))));
        assert!(encrypted(format!(
            "{}?sslmode=verify-full&sslrootcert={cert}",
            base("localhost")
        )));
        // verify-ca checks the chain, not the name.
        assert!(encrypted(format!(
            "{}?sslmode=verify-ca&sslrootcert={cert}",
            base("127.0.0.1")
        )));
        // verify-full against a certificate for another name: refused, one line.
        let err = refused(&format!(
            "postgres://{user}:{SECRET}@127.0.0.1:{port}/postgres?sslmode=verify-full&sslrootcert={cert}"
        ));
        let text = assert_plain(&err, &format!("{user}@127.0.0.1:{port}/postgres"));
        assert!(text.contains("certificate"), "{text}");
        // verify-full against roots that did not sign it: refused too.
        let err = refused(&format!(
            "{}?sslmode=verify-full&sslrootcert=/nonexistent/root.crt",
            base("localhost")
        ));
        assert!(format!("{err:#}").contains("sslrootcert"), "{err:#}");
    }
}
