//! Waitlists and their entries: waitlists are made in the dashboard (seeded here); people
//! join one through the API, and the application approves or denies them.
//!
//! No event schema of the document names a waitlist, so these writes emit none.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::error::{ApiError, ApiResult};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::table::Table;
use crate::model::user_management::check_email;
use crate::model::{Name, Store};

records!(
    Waitlist => "Waitlist",
    WaitlistEntry => "Waitlist entry",
);

/// A waitlist (`Waitlist`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Waitlist {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// Someone on a waitlist (`WaitlistEntry`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WaitlistEntry {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) waitlist_id: String,
    pub(crate) email: String,
    /// `pending`, then `approved` or `denied` (the schema's enum).
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) approved_at: Option<String>,
    pub(crate) additional_fields: Option<BTreeMap<String, String>>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// The waitlists and everyone on them.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct WaitlistsData {
    pub(crate) waitlists: Table<Waitlist>,
    pub(crate) entries: Table<WaitlistEntry>,
}

/// `POST /user_management/waitlists/{id}/entries`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateWaitlistEntry {
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) additional_fields: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(crate) send_confirmation_email: bool,
}

/// The schema's enum of entry states, for the list's `state` filter.
const STATES: &[&str] = &["pending", "approved", "denied"];

/// The limits `CreateWaitlistEntryDto.additional_fields` states: 50 pairs, keys up to 40
/// characters, values up to 600.
const MAX_FIELDS: usize = 50;
const MAX_KEY: usize = 40;
const MAX_VALUE: usize = 600;

/// 422 `invalid_request_parameters` on `additional_fields` beyond the document's limits.
fn check_additional_fields(fields: Option<&BTreeMap<String, String>>) -> ApiResult<()> {
    let Some(fields) = fields else { return Ok(()) };
    let too_many = fields.len() > MAX_FIELDS;
    let too_long = fields.iter().any(|(k, v)| k.chars().count() > MAX_KEY || v.chars().count() > MAX_VALUE);
    if too_many || too_long {
        return Err(ApiError::invalid_field(
            "additional_fields",
            "invalid",
            format!(
                "additional_fields holds at most {MAX_FIELDS} pairs, keys up to {MAX_KEY} characters and values up to {MAX_VALUE}."
            ),
        ));
    }
    Ok(())
}

impl Store {
    /// Adds a waitlist (the dashboard's part; the seed calls it).
    pub(crate) fn add_waitlist(&mut self) -> Waitlist {
        let at = now();
        let record = Waitlist {
            object: "waitlist",
            id: self.ids.next("waitlist"),
            created_at: at.clone(),
            updated_at: at,
        };
        self.waitlists.waitlists.push(record.clone());
        record
    }

    /// Every waitlist in one answer: the list is not paginated, its cursors are always null
    /// (`WaitlistListResponse`).
    pub(crate) fn list_waitlists(&self) -> Value {
        json!({
            "object": "list",
            "data": &*self.waitlists.waitlists,
            "list_metadata": {"before": null, "after": null},
        })
    }

    pub(crate) fn waitlist(&self, id: &str) -> ApiResult<&Waitlist> {
        self.waitlists.waitlists.get(id)
    }

    /// A page of a waitlist's entries, filtered by `state` (one of the schema's states, else
    /// a 422 naming it) and `email`.
    pub(crate) fn list_waitlist_entries(&self, waitlist_id: &str, query: &Query) -> ApiResult<Value> {
        self.waitlist(waitlist_id)?;
        let state = query.get("state");
        if let Some(s) = state.filter(|s| !STATES.contains(s)) {
            return Err(ApiError::invalid_field(
                "state",
                "invalid",
                format!("state must be one of {}; got '{s}'.", STATES.join(", ")),
            ));
        }
        let email = query.get("email").map(str::to_lowercase);
        let entries: Vec<&WaitlistEntry> = self
            .waitlists
            .entries
            .iter()
            .filter(|e| e.waitlist_id == waitlist_id)
            .filter(|e| state.is_none_or(|s| e.state == s))
            .filter(|e| email.as_deref().is_none_or(|m| e.email == m))
            .collect();
        Ok(query.page(entries, |e| &e.id))
    }

    /// Puts someone on a waitlist, pending. The email is checked and lower-cased; an email
    /// already on this waitlist is a 422 on `email` (the operation declares no 409; WorkOS's
    /// code is not known, so the emulator's code for a bad field); and with
    /// `send_confirmation_email` the confirmation email goes out.
    pub(crate) fn create_waitlist_entry(
        &mut self,
        waitlist_id: &str,
        new: CreateWaitlistEntry,
    ) -> ApiResult<WaitlistEntry> {
        self.waitlist(waitlist_id)?;
        let email = check_email(&new.email)?;
        check_additional_fields(new.additional_fields.as_ref())?;
        if self.waitlists.entries.iter().any(|e| e.waitlist_id == waitlist_id && e.email == email) {
            return Err(ApiError::invalid_field(
                "email",
                "already_exists",
                format!("'{email}' is already on waitlist '{waitlist_id}'."),
            ));
        }
        let at = now();
        let record = WaitlistEntry {
            object: "waitlist_entry",
            id: self.ids.next("waitlist_entry"),
            waitlist_id: waitlist_id.to_owned(),
            email,
            state: "pending",
            approved_at: None,
            additional_fields: new.additional_fields,
            created_at: at.clone(),
            updated_at: at,
        };
        self.waitlists.entries.push(record.clone());
        if new.send_confirmation_email {
            self.send_email(&record.email, "waitlist_confirmation", None, None);
        }
        Ok(record)
    }

    /// Approves a pending entry (`approved_at` set).
    pub(crate) fn approve_waitlist_entry(&mut self, id: &str) -> ApiResult<WaitlistEntry> {
        self.decide_waitlist_entry(id, "approved")
    }

    /// Denies a pending entry.
    pub(crate) fn deny_waitlist_entry(&mut self, id: &str) -> ApiResult<WaitlistEntry> {
        self.decide_waitlist_entry(id, "denied")
    }

    /// Moves a pending entry to `state`. An entry already decided is a 422 (the operations
    /// declare 404 and 422 only; WorkOS's code is not known, so the emulator's code for a bad
    /// field, naming `state`).
    fn decide_waitlist_entry(&mut self, id: &str, state: Name) -> ApiResult<WaitlistEntry> {
        let entry = self.waitlists.entries.get_mut(id)?;
        if entry.state != "pending" {
            return Err(ApiError::invalid_field(
                "state",
                "invalid_transition",
                format!(
                    "Waitlist entry '{id}' is already {}; only a pending entry can be {state}.",
                    entry.state
                ),
            ));
        }
        let at = now();
        entry.state = state;
        if state == "approved" {
            entry.approved_at = Some(at.clone());
        }
        entry.updated_at = at;
        Ok(entry.clone())
    }

    /// Removes an entry, whatever its state.
    pub(crate) fn delete_waitlist_entry(&mut self, id: &str) -> ApiResult<WaitlistEntry> {
        self.waitlists.entries.take(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(store: &mut Store, waitlist: &str, email: &str) -> ApiResult<WaitlistEntry> {
        let new = CreateWaitlistEntry { email: email.to_owned(), ..CreateWaitlistEntry::default() };
        store.create_waitlist_entry(waitlist, new)
    }

    fn listed(store: &Store, waitlist: &str, query: &str) -> Vec<String> {
        let page =
            store.list_waitlist_entries(waitlist, &Query::parse(Some(query)).expect("query")).expect("list");
        page["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|e| e["email"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn waitlists_are_listed_whole_and_found_by_id() {
        let mut store = Store::default();
        let (a, b) = (store.add_waitlist(), store.add_waitlist());
        let all = store.list_waitlists();
        assert_eq!(all["data"].as_array().map(Vec::len), Some(2));
        assert_eq!(all["list_metadata"], json!({"before": null, "after": null}));
        assert_eq!(store.waitlist(&b.id).expect("there").id, b.id);
        assert!(a.id.starts_with("waitlist_"));
        let e = store.waitlist("waitlist_missing").expect_err("none");
        assert_eq!((e.status.as_u16(), e.message.as_str()), (404, "Waitlist not found: 'waitlist_missing'."));
    }

    #[test]
    fn people_join_a_waitlist_once_and_are_filtered_by_state_and_email() {
        let mut store = Store::default();
        let (list, other) = (store.add_waitlist().id, store.add_waitlist().id);
        let ada = join(&mut store, &list, "Ada@Example.com").expect("joined");
        assert_eq!(
            (ada.email.as_str(), ada.state, ada.approved_at.as_deref()),
            ("ada@example.com", "pending", None)
        );
        let e = join(&mut store, &list, "ada@example.com").expect_err("twice");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "email"));
        join(&mut store, &other, "ada@example.com").expect("another waitlist");
        join(&mut store, &list, "bob@example.com").expect("joined");
        assert_eq!(join(&mut store, &list, "not-an-email").expect_err("bad").errors[0].field, "email");
        assert_eq!(join(&mut store, "waitlist_9", "c@x.test").expect_err("none").status.as_u16(), 404);
        store.approve_waitlist_entry(&ada.id).expect("approved");
        assert_eq!(listed(&store, &list, "order=asc"), ["ada@example.com", "bob@example.com"]);
        assert_eq!(listed(&store, &list, "state=pending"), ["bob@example.com"]);
        assert_eq!(listed(&store, &list, "email=ADA@example.com"), ["ada@example.com"]);
        let e = store.list_waitlist_entries(&list, &Query::parse(Some("state=waiting")).expect("q"));
        assert_eq!(e.expect_err("not a state").errors[0].field, "state");
    }

    #[test]
    fn additional_fields_are_bounded_and_confirmation_is_emailed_on_request() {
        let mut store = Store::default();
        let list = store.add_waitlist().id;
        let many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        let new = CreateWaitlistEntry {
            email: "a@x.test".into(),
            additional_fields: Some(many),
            ..Default::default()
        };
        assert_eq!(
            store.create_waitlist_entry(&list, new).expect_err("51").errors[0].field,
            "additional_fields"
        );
        let fields = BTreeMap::from([("company".to_owned(), "Acme".to_owned())]);
        let new = CreateWaitlistEntry {
            email: "a@x.test".into(),
            additional_fields: Some(fields),
            send_confirmation_email: true,
        };
        let made = store.create_waitlist_entry(&list, new).expect("joined");
        assert_eq!(made.additional_fields.expect("kept")["company"], "Acme");
        let sent: Vec<_> = store.outbox.iter().map(|m| (m.to.as_str(), m.kind)).collect();
        assert_eq!(sent, [("a@x.test", "waitlist_confirmation")]);
        join(&mut store, &list, "b@x.test").expect("joined");
        assert_eq!(store.outbox.len(), 1, "no email unless asked");
    }

    #[test]
    fn only_a_pending_entry_is_approved_or_denied_and_any_is_deleted() {
        let mut store = Store::default();
        let list = store.add_waitlist().id;
        let (a, b) = (
            join(&mut store, &list, "a@x.test").expect("a"),
            join(&mut store, &list, "b@x.test").expect("b"),
        );
        let approved = store.approve_waitlist_entry(&a.id).expect("approved");
        assert_eq!(approved.state, "approved");
        assert!(approved.approved_at.is_some());
        let denied = store.deny_waitlist_entry(&b.id).expect("denied");
        assert_eq!((denied.state, denied.approved_at), ("denied", None));
        for e in [
            store.approve_waitlist_entry(&a.id),
            store.deny_waitlist_entry(&a.id),
            store.approve_waitlist_entry(&b.id),
        ] {
            let e = e.expect_err("decided");
            assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "invalid_transition"));
        }
        assert_eq!(store.approve_waitlist_entry("waitlist_entry_9").expect_err("none").status.as_u16(), 404);
        store.delete_waitlist_entry(&a.id).expect("deleted");
        let e = store.waitlists.entries.get(&a.id).expect_err("gone");
        assert_eq!(e.message, format!("Waitlist entry not found: '{}'.", a.id));
        assert_eq!(store.delete_waitlist_entry(&a.id).expect_err("twice").status.as_u16(), 404);
    }
}
