//! Writing a file atomically: a temporary file beside it, renamed over it once written.

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes one file atomically (temporary file, then rename). A destination that exists and is
/// not a regular file (`/dev/null`, a pipe, a terminal) is written to in place instead: renaming
/// over it would replace the device with a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::write(path, bytes).map_err(|e| Error::io(path, e));
    }
    stage(path, bytes)?.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// `bytes` in a temporary file in `target`'s directory (made if missing), to be renamed over
/// `target`.
pub(crate) fn stage(target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = target.parent().map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut temp = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o644))
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    std::io::Write::write_all(&mut temp, bytes).map_err(|e| Error::io(target, e))?;
    Ok(temp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_to_a_device_writes_through_it_instead_of_replacing_it() {
        let null = Path::new("/dev/null");
        if !std::fs::metadata(null).is_ok_and(|m| !m.is_file()) {
            return; // no such device here: nothing to protect
        }
        write_atomic(null, b"discarded").unwrap();
        let after = std::fs::metadata(null).unwrap();
        assert!(!after.is_file(), "/dev/null was replaced by a regular file");
        assert_eq!(std::fs::read(null).unwrap(), b"");
    }
}
