//! Persistence: the whole data set as one JSON file, written atomically (a temporary file in the
//! same folder, synced, then renamed over the old one), so a crash leaves the previous or the
//! new file, never a torn one.
//!
//! Records serialize for two readers: API answers, which leave out internal fields (a role's
//! organization, a group's members...), and this file, which keeps them. Those fields carry
//! `#[serde(skip_serializing_if = "crate::model::persist::answering")]`: skipped unless [`to_bytes`]
//! is serializing.

use std::cell::Cell;
use std::collections::HashSet;
use std::io::{self, Write as _};
use std::path::Path;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Deserializer, Serialize};

use crate::model::Store;

/// The file format's version; a file of another version is refused, not misread.
const FORMAT: u32 = 1;

thread_local! {
    static PERSISTING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a record is being serialized for an API answer (not for the data file).
pub(crate) fn answering<T>(_: &T) -> bool {
    !PERSISTING.with(Cell::get)
}

/// Reads a `&'static str` field (`object`, a status...): the few distinct names are interned
/// once each.
pub(crate) fn interned<'de, D: Deserializer<'de>>(de: D) -> Result<&'static str, D::Error> {
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let name = String::deserialize(de)?;
    let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name.as_str()) {
        return Ok(known);
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.insert(leaked);
    Ok(leaked)
}

/// A `u128` as decimal text (JSON numbers that large do not survive every reader).
pub(crate) mod u128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: u32,
    store: &'a Store,
}

#[derive(Deserialize)]
struct FileIn {
    format: u32,
    store: serde_json::Value,
}

/// The data file's bytes for `store`.
pub(crate) fn to_bytes(store: &Store) -> serde_json::Result<Vec<u8>> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            PERSISTING.with(|p| p.set(false));
        }
    }
    PERSISTING.with(|p| p.set(true));
    let _reset = Reset;
    serde_json::to_vec(&FileOut { format: FORMAT, store })
}

/// The data of a data file; the error names what is wrong and where (a JSON path).
pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Store, String> {
    let file: FileIn =
        serde_json::from_slice(bytes).map_err(|e| format!("not an emulator data file: {e}"))?;
    if file.format != FORMAT {
        return Err(format!("format {} is not this emulator's ({FORMAT})", file.format));
    }
    let mut store: Store = serde_path_to_error::deserialize(file.store)
        .map_err(|e| format!("at store.{}: {}", e.path(), e.inner()))?;
    store.reindex();
    Ok(store)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, synced, renamed over it.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("emulator-data");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    // The rename itself is durable once the folder is synced (not possible on every platform).
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_fields_stay_out_of_answers_and_in_the_file() {
        let mut store = Store::default();
        store.groups.push(crate::model::Group {
            object: "group",
            id: "group_1".into(),
            organization_id: "org_1".into(),
            name: "G".into(),
            description: None,
            created_at: String::new(),
            updated_at: String::new(),
            members: vec!["om_1".into()],
        });
        let answer = serde_json::to_value(&store.groups[0]).expect("answer");
        assert!(answer.get("members").is_none(), "{answer}");
        let file = to_bytes(&store).expect("file");
        let back = from_bytes(&file).expect("read back");
        assert_eq!(back.groups[0].members, ["om_1"]);
        // And answers after a write still leave them out.
        assert!(serde_json::to_value(&back.groups[0]).expect("answer").get("members").is_none());
    }

    #[test]
    fn an_atomic_write_replaces_the_whole_file_and_leaves_nothing_else() {
        let dir = std::env::temp_dir().join(format!("workos-emulator-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("data.json");
        write_atomic(&path, &[b'x'; 4096]).expect("first");
        write_atomic(&path, b"short").expect("second");
        assert_eq!(std::fs::read(&path).expect("read"), b"short");
        let entries = std::fs::read_dir(&dir).expect("list").count();
        assert_eq!(entries, 1, "no temporary file left");
        // A failed write leaves the file as it was.
        std::fs::create_dir_all(dir.join("blocker")).expect("a folder where the file would go");
        assert!(write_atomic(&dir.join("blocker"), b"new").is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"short");
        assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 2, "no temporary file left");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
