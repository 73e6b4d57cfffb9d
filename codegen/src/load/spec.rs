//! The pinned document: its lock file, the vendored copy in `workos-spec/`, and download from
//! the npm registry (for upgrades to a published version and for diffs against one).

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use sha2::{Digest, Sha256, Sha512};

use crate::error::{Error, Result};

/// Where the pinned document is vendored, relative to the workspace root.
pub const VENDORED: &str = "workos-spec/open-api-spec.yaml";

/// The license of the vendored document (WorkOS's MIT text), relative to the workspace root.
pub const VENDORED_LICENSE: &str = "workos-spec/LICENSE-openapi-spec.txt";

/// Default npm registry; `NPM_CONFIG_REGISTRY` (or `npm_config_registry`) overrides it.
pub const DEFAULT_REGISTRY: &str = "https://registry.npmjs.org";

/// The contents of `workos-spec/spec.lock.toml`: which document generation is pinned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Lock {
    /// npm package name, `@workos/openapi-spec`.
    pub package: String,
    /// Package version.
    pub version: String,
    /// Tarball path relative to the registry root.
    pub tarball: String,
    /// Path of the document inside the tarball.
    pub file: String,
    /// Subresource-integrity string of the tarball (`sha512-<base64>`), as npm reports it.
    pub integrity: String,
    /// Hex sha256 of the extracted document.
    pub sha256: String,
    /// The document in the repository, relative to the workspace root ([`VENDORED`] after
    /// `cargo xtask spec upgrade`): read from there and checked against `sha256`; nothing is
    /// fetched. Without it the document comes from the npm tarball, cached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where a vendored document was taken from, when it is not an npm tarball.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// The provenance of a vendored document: the upstream repository and commit it was taken from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Source {
    /// The upstream repository (`https://github.com/workos/openapi-spec`).
    pub repository: String,
    /// The full commit id the document was taken at.
    pub commit: String,
    /// The document's path in that repository (`spec/open-api-spec.yaml`).
    pub file: String,
    /// The upstream release that commit belongs to (`v0.61.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The revision of WorkOS's own API spec the upstream commit carries (`94599f7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_revision: Option<String>,
    /// The commit's date (`2026-08-07`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The document's license text, relative to the workspace root ([`VENDORED_LICENSE`]).
    pub license: String,
}

impl Lock {
    /// Reads and validates a lock file.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let lock: Lock = toml::from_str(&text)
            .map_err(|e| Error::Lock { path: path.to_owned(), message: e.to_string() })?;
        if !lock.integrity.starts_with("sha512-") {
            return Err(Error::Lock {
                path: path.to_owned(),
                message: format!("integrity must be a sha512 SRI string, got {:?}", lock.integrity),
            });
        }
        if lock.sha256.len() != 64 || !lock.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Lock {
                path: path.to_owned(),
                message: format!("sha256 must be 64 hex digits, got {:?}", lock.sha256),
            });
        }
        Ok(lock)
    }

    /// Writes the lock file (used by upgrades).
    pub fn write(&self, path: &Path) -> Result<()> {
        let header = "# The pinned WorkOS OpenAPI document; see README.md (\"Upgrading the document\").\n";
        let body = toml::to_string(self)
            .map_err(|e| Error::Lock { path: path.to_owned(), message: e.to_string() })?;
        crate::fs::write_atomic(path, format!("{header}{body}").as_bytes())
    }

    /// The tarball URL under `registry`.
    pub fn tarball_url(&self, registry: &str) -> String {
        format!("{}/{}", registry.trim_end_matches('/'), self.tarball)
    }

    /// Where the extracted document is cached, under `spec_dir`.
    pub fn cache_path(&self, spec_dir: &Path) -> PathBuf {
        spec_dir.join(".cache").join(format!("open-api-spec-{}.yaml", self.version))
    }
}

/// The registry to download from: `NPM_CONFIG_REGISTRY`, `npm_config_registry`, or npmjs.org.
pub fn registry() -> String {
    ["NPM_CONFIG_REGISTRY", "npm_config_registry"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| DEFAULT_REGISTRY.to_owned())
}

/// Hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Returns the pinned document's bytes, downloading them from [`registry()`] and caching them
/// when the cache is missing or does not match the lock.
pub fn ensure_cached(lock: &Lock, spec_dir: &Path) -> Result<(PathBuf, Vec<u8>)> {
    ensure_cached_from(lock, spec_dir, &registry())
}

/// [`ensure_cached`] with an explicit registry. On any error nothing is written.
pub fn ensure_cached_from(lock: &Lock, spec_dir: &Path, registry: &str) -> Result<(PathBuf, Vec<u8>)> {
    if let Some(local) = &lock.path {
        let path = spec_dir.parent().unwrap_or(spec_dir).join(local);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let actual = sha256_hex(&bytes);
        if actual != lock.sha256 {
            return Err(Error::Integrity {
                what: path.display().to_string(),
                expected: lock.sha256.clone(),
                actual,
            });
        }
        return Ok((path, bytes));
    }
    let path = lock.cache_path(spec_dir);
    if let Ok(bytes) = std::fs::read(&path)
        && sha256_hex(&bytes) == lock.sha256
    {
        return Ok((path, bytes));
    }
    let bytes = fetch(lock, registry)?;
    crate::fs::write_atomic(&path, &bytes)?;
    Ok((path, bytes))
}

/// Downloads the tarball, verifies its integrity, extracts the document and verifies its sha256.
/// Nothing is written.
pub fn fetch(lock: &Lock, registry: &str) -> Result<Vec<u8>> {
    let url = lock.tarball_url(registry);
    let fetch_err = |message: String| Error::Fetch { url: url.clone(), message };
    let tarball = download(&url)?;
    verify_integrity(&url, &lock.integrity, &tarball)?;
    let document = extract(&tarball, &lock.file).map_err(fetch_err)?;
    let actual = sha256_hex(&document);
    if actual != lock.sha256 {
        return Err(Error::Integrity {
            what: format!("{} in {url}", lock.file),
            expected: lock.sha256.clone(),
            actual,
        });
    }
    Ok(document)
}

/// GETs `url` (at most 64 MiB).
fn download(url: &str) -> Result<Vec<u8>> {
    let fetch_err = |message: String| Error::Fetch { url: url.to_owned(), message };
    let response =
        ureq::get(url).timeout(std::time::Duration::from_secs(60)).call().map_err(|e| match e {
            ureq::Error::Status(code, _) => fetch_err(format!("the registry answered HTTP {code}")),
            ureq::Error::Transport(t) => fetch_err(format!("could not reach the registry: {t}")),
        })?;
    let mut body = Vec::new();
    response
        .into_reader()
        .take(64 << 20)
        .read_to_end(&mut body)
        .map_err(|e| fetch_err(format!("reading the response: {e}")))?;
    Ok(body)
}

/// Looks `version` of `package` up in the registry's metadata, downloads its tarball, verifies
/// the integrity the registry publishes, and extracts `file`. Returns the lock describing it
/// and the document. Nothing is written.
pub fn resolve_version(package: &str, version: &str, file: &str, registry: &str) -> Result<(Lock, Vec<u8>)> {
    let registry = registry.trim_end_matches('/');
    let meta_url = format!("{registry}/{}", package.replace('/', "%2f"));
    let meta: serde_json::Value = serde_json::from_slice(&download(&meta_url)?).map_err(|e| {
        Error::Fetch { url: meta_url.clone(), message: format!("the package metadata is not JSON: {e}") }
    })?;
    let Some(dist) =
        meta.pointer(&format!("/versions/{}/dist", version.replace('~', "~0").replace('/', "~1")))
    else {
        let known: Vec<&str> = meta
            .get("versions")
            .and_then(|v| v.as_object())
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return Err(Error::Fetch {
            url: meta_url,
            message: format!("{package} has no version {version} (published: {})", known.join(", ")),
        });
    };
    let field = |k: &str| dist.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let (Some(url), Some(integrity)) = (field("tarball"), field("integrity")) else {
        return Err(Error::Fetch {
            url: meta_url,
            message: format!("{version} has no dist.tarball or dist.integrity"),
        });
    };
    let tarball_bytes = download(&url)?;
    verify_integrity(&url, &integrity, &tarball_bytes)?;
    let document =
        extract(&tarball_bytes, file).map_err(|message| Error::Fetch { url: url.clone(), message })?;
    let name = package.rsplit('/').next().unwrap_or(package);
    let tarball = url
        .strip_prefix(registry)
        .map(|p| p.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| format!("{package}/-/{name}-{version}.tgz"));
    let lock = Lock {
        package: package.to_owned(),
        version: version.to_owned(),
        tarball,
        file: file.to_owned(),
        integrity,
        sha256: sha256_hex(&document),
        path: None,
        source: None,
    };
    Ok((lock, document))
}

/// Checks a `sha512-<base64>` subresource-integrity string against `bytes`.
pub fn verify_integrity(what: &str, integrity: &str, bytes: &[u8]) -> Result<()> {
    let actual =
        format!("sha512-{}", base64::engine::general_purpose::STANDARD.encode(Sha512::digest(bytes)));
    if actual == integrity {
        Ok(())
    } else {
        Err(Error::Integrity { what: what.to_owned(), expected: integrity.to_owned(), actual })
    }
}

/// The npm SRI string of `bytes` (for writing a new lock).
pub fn integrity_of(bytes: &[u8]) -> String {
    format!("sha512-{}", base64::engine::general_purpose::STANDARD.encode(Sha512::digest(bytes)))
}

/// Extracts one file from a gzipped tarball.
pub fn extract(tarball: &[u8], file: &str) -> std::result::Result<Vec<u8>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    let entries = archive.entries().map_err(|e| format!("not a gzipped tarball: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("corrupt tarball: {e}"))?;
        let matches = entry.path().map(|p| p == Path::new(file)).unwrap_or(false);
        if matches {
            let mut out = Vec::new();
            entry.read_to_end(&mut out).map_err(|e| format!("corrupt tarball: {e}"))?;
            return Ok(out);
        }
    }
    Err(format!("the tarball has no file {file}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_mismatch_names_both_sums() {
        let err = verify_integrity("x.tgz", "sha512-AAAA", b"hello").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("x.tgz") && text.contains("sha512-AAAA"), "{text}");
        assert!(err.is_bad_input());
    }

    #[test]
    fn integrity_matches_npm_format() {
        let sri = integrity_of(b"hello");
        verify_integrity("x", &sri, b"hello").unwrap();
    }

    fn tarball(file: &str, contents: &[u8]) -> Vec<u8> {
        let mut builder =
            tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_cksum();
        builder.append_data(&mut header, file, contents).unwrap();
        builder.into_inner().unwrap().finish().unwrap()
    }

    /// Serves `responses` (status, body) on 127.0.0.1, one connection each, then stops.
    fn serve(responses: Vec<(u16, Vec<u8>)>) -> String {
        serve_for(|_| responses)
    }

    /// Serves the responses `make` builds from the server's own base URL, one per connection.
    fn serve_for(make: impl FnOnce(&str) -> Vec<(u16, Vec<u8>)>) -> String {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let responses = make(&format!("http://{addr}"));
        std::thread::spawn(move || {
            for (status, body) in responses {
                let (mut stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
        });
        format!("http://{addr}")
    }

    fn lock_for(tgz: &[u8], document: &[u8]) -> Lock {
        Lock {
            package: "@workos/openapi-spec".into(),
            version: "9.9.9".into(),
            tarball: "@workos/openapi-spec/-/openapi-spec-9.9.9.tgz".into(),
            file: "package/open-api-spec.yaml".into(),
            integrity: integrity_of(tgz),
            sha256: sha256_hex(document),
            path: None,
            source: None,
        }
    }

    #[test]
    fn fetch_verifies_caches_and_reuses_the_cache() {
        let document = b"openapi: 3.1.1\n";
        let tgz = tarball("package/open-api-spec.yaml", document);
        let lock = lock_for(&tgz, document);
        let dir = tempfile::tempdir().unwrap();
        let registry = serve(vec![(200, tgz)]);
        let (path, bytes) = ensure_cached_from(&lock, dir.path(), &registry).unwrap();
        assert_eq!(bytes, document);
        assert_eq!(std::fs::read(&path).unwrap(), document);
        // The server is gone: a second call must be served from the cache.
        let (_, again) = ensure_cached_from(&lock, dir.path(), &registry).unwrap();
        assert_eq!(again, document);
    }

    #[test]
    fn registry_404_is_a_clear_error_and_writes_nothing() {
        let tgz = tarball("package/open-api-spec.yaml", b"x");
        let lock = lock_for(&tgz, b"x");
        let dir = tempfile::tempdir().unwrap();
        let err =
            ensure_cached_from(&lock, dir.path(), &serve(vec![(404, b"Not found".to_vec())])).unwrap_err();
        assert!(err.is_fetch(), "{err:?}");
        assert!(
            err.to_string().contains("HTTP 404") && err.to_string().contains("openapi-spec-9.9.9.tgz"),
            "{err}"
        );
        assert!(!lock.cache_path(dir.path()).exists());
    }

    #[test]
    fn tampered_tarball_is_rejected_before_extraction() {
        let good = tarball("package/open-api-spec.yaml", b"good");
        let lock = lock_for(&good, b"good");
        let evil = tarball("package/open-api-spec.yaml", b"evil");
        let dir = tempfile::tempdir().unwrap();
        let err = ensure_cached_from(&lock, dir.path(), &serve(vec![(200, evil)])).unwrap_err();
        assert!(matches!(err, Error::Integrity { .. }), "{err:?}");
        assert!(!lock.cache_path(dir.path()).exists());
    }

    #[test]
    fn unreachable_registry_is_a_clear_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let tgz = tarball("package/open-api-spec.yaml", b"x");
        let lock = lock_for(&tgz, b"x");
        let dir = tempfile::tempdir().unwrap();
        let err = ensure_cached_from(&lock, dir.path(), &format!("http://127.0.0.1:{port}")).unwrap_err();
        assert!(err.to_string().contains("could not reach the registry"), "{err}");
        assert!(!dir.path().join(".cache").exists());
    }

    #[test]
    fn extract_reports_missing_file() {
        let mut builder =
            tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        let mut header = tar::Header::new_gnu();
        header.set_size(2);
        header.set_cksum();
        builder.append_data(&mut header, "package/a.yaml", &b"{}"[..]).unwrap();
        let gz = builder.into_inner().unwrap().finish().unwrap();
        assert_eq!(extract(&gz, "package/a.yaml").unwrap(), b"{}");
        assert!(extract(&gz, "package/b.yaml").unwrap_err().contains("package/b.yaml"));
        assert!(extract(b"not gzip", "x").is_err());
    }

    #[test]
    fn a_version_is_resolved_through_the_registry_metadata() {
        let document = b"openapi: 3.1.1\ninfo: {version: 2.0.0}\n";
        let tgz = tarball("package/open-api-spec.yaml", document);
        let integrity = integrity_of(&tgz);
        let registry = serve_for(|base| {
            let meta = serde_json::json!({"versions": {"2.0.0": {"dist": {
                "tarball": format!("{base}/@workos/openapi-spec/-/openapi-spec-2.0.0.tgz"),
                "integrity": integrity,
            }}}});
            vec![(200, meta.to_string().into_bytes()), (200, tgz.clone())]
        });
        let (lock, bytes) =
            resolve_version("@workos/openapi-spec", "2.0.0", "package/open-api-spec.yaml", &registry)
                .unwrap();
        assert_eq!(bytes, document);
        assert_eq!(lock.tarball, "@workos/openapi-spec/-/openapi-spec-2.0.0.tgz");
        assert_eq!((lock.sha256, lock.integrity), (sha256_hex(document), integrity_of(&tgz)));
    }

    #[test]
    fn an_unknown_version_or_a_bad_tarball_is_a_clear_error() {
        let meta = serde_json::json!({"versions": {"0.1.0": {}}}).to_string().into_bytes();
        let registry = serve(vec![(200, meta)]);
        let err = resolve_version("@workos/openapi-spec", "9.0.0", "package/open-api-spec.yaml", &registry)
            .unwrap_err();
        assert!(err.to_string().contains("no version 9.0.0 (published: 0.1.0)"), "{err}");
        let registry = serve_for(|base| {
            let meta = serde_json::json!({"versions": {"2.0.0": {"dist": {
                "tarball": format!("{base}/t.tgz"), "integrity": integrity_of(b"something else"),
            }}}});
            vec![(200, meta.to_string().into_bytes()), (200, tarball("package/open-api-spec.yaml", b"x"))]
        });
        let err = resolve_version("@workos/openapi-spec", "2.0.0", "package/open-api-spec.yaml", &registry)
            .unwrap_err();
        assert!(matches!(err, Error::Integrity { .. }), "{err}");
    }

    #[test]
    fn a_local_lock_reads_its_file_and_checks_the_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let spec_dir = dir.path().join("workos-spec");
        std::fs::create_dir_all(&spec_dir).unwrap();
        std::fs::write(dir.path().join("candidate.yaml"), b"openapi: 3.1.1\n").unwrap();
        let mut lock = lock_for(b"", b"openapi: 3.1.1\n");
        lock.path = Some("candidate.yaml".into());
        let (path, bytes) = ensure_cached_from(&lock, &spec_dir, "http://127.0.0.1:9").unwrap();
        assert_eq!((path, bytes), (dir.path().join("candidate.yaml"), b"openapi: 3.1.1\n".to_vec()));
        lock.sha256 = sha256_hex(b"other");
        assert!(matches!(
            ensure_cached_from(&lock, &spec_dir, "http://127.0.0.1:9"),
            Err(Error::Integrity { .. })
        ));
    }
}
