//! A collection of records kept by id, in creation order, that answers WorkOS's 404 for an
//! unknown id itself: `store.users.get(id)?` is the whole find-or-404.

use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};

/// A record kept in a [`Table`]: its id, and what WorkOS's 404 calls its kind.
pub(crate) trait Record {
    /// The kind as WorkOS's 404 names it: `Organization not found: 'org_…'.`
    const KIND: &'static str;

    /// The record's id (the key WorkOS looks it up by).
    fn id(&self) -> &str;
}

/// Records in creation order (which is id order). Reads as the list it is (`iter`, `push`,
/// `retain`...) and adds the lookups by id that answer 404. Serialized as a plain list, so the
/// data file is the same as a `Vec`'s.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Table<T>(Vec<T>);

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Deref for Table<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for Table<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> FromIterator<T> for Table<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Table<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

impl<T: Record> Table<T> {
    /// Where the record with `id` stands: by binary search, as records are kept in id order
    /// (ids increase with creation), and by a scan where a record breaks that order (an id
    /// given from outside).
    fn position(&self, id: &str) -> Option<usize> {
        match self.0.binary_search_by(|r| r.id().cmp(id)) {
            Ok(at) => Some(at),
            Err(_) => self.0.iter().position(|r| r.id() == id),
        }
    }

    /// The record with `id`, if there is one.
    pub(crate) fn find(&self, id: &str) -> Option<&T> {
        self.position(id).map(|at| &self.0[at])
    }

    /// The record with `id`, or WorkOS's 404 naming its kind.
    pub(crate) fn get(&self, id: &str) -> ApiResult<&T> {
        self.find(id).ok_or_else(|| ApiError::not_found(T::KIND, id))
    }

    /// The record with `id` to change, or WorkOS's 404.
    pub(crate) fn get_mut(&mut self, id: &str) -> ApiResult<&mut T> {
        let at = self.index_of(id)?;
        Ok(&mut self.0[at])
    }

    /// Where the record with `id` stands, or WorkOS's 404.
    pub(crate) fn index_of(&self, id: &str) -> ApiResult<usize> {
        self.position(id).ok_or_else(|| ApiError::not_found(T::KIND, id))
    }

    /// Takes out the record with `id`, or answers WorkOS's 404.
    pub(crate) fn take(&mut self, id: &str) -> ApiResult<T> {
        let at = self.index_of(id)?;
        Ok(self.0.remove(at))
    }
}

/// Implements [`Record`] for record types whose id is their `id` field.
macro_rules! records {
    ($($record:ty => $kind:literal),* $(,)?) => {
        $(impl $crate::model::table::Record for $record {
            const KIND: &'static str = $kind;

            fn id(&self) -> &str {
                &self.id
            }
        })*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Thing {
        id: String,
    }
    records!(Thing => "Thing");

    fn things() -> Table<Thing> {
        ["t_1", "t_2"].into_iter().map(|id| Thing { id: id.into() }).collect()
    }

    #[test]
    fn an_unknown_id_is_workos_404_naming_the_kind() {
        let mut table = things();
        let missing = table.get("t_9").expect_err("no such thing");
        assert_eq!(missing.status, http::StatusCode::NOT_FOUND);
        assert_eq!(missing.code, Some("entity_not_found"));
        assert_eq!(missing.message, "Thing not found: 't_9'.");
        assert!(table.take("t_9").is_err());
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_known_id_is_found_changed_and_taken() {
        let mut table = things();
        assert_eq!(table.get("t_2").map(|t| t.id.as_str()).ok(), Some("t_2"));
        table.get_mut("t_1").expect("there").id = "t_3".into();
        assert_eq!(table.index_of("t_3").ok(), Some(0));
        assert_eq!(table.take("t_3").map(|t| t.id).ok().as_deref(), Some("t_3"));
        assert_eq!(table.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["t_2"]);
    }

    #[test]
    fn serializes_as_the_list_it_holds() {
        let text = serde_json::to_string(&things()).expect("serializes");
        assert_eq!(text, r#"[{"id":"t_1"},{"id":"t_2"}]"#);
        let back: Table<Thing> = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back.len(), 2);
    }
}
