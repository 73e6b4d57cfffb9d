//! Users: their records, indexes by email and external id, and the operations of
//! `/user_management/users`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, FieldError, double_option, max_len};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::organizations::check_metadata;
use crate::model::{Name, Store};

records!(
    User => "User",
);

/// `UserlandUser`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct User {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) profile_picture_url: Option<String>,
    pub(crate) email: String,
    pub(crate) email_verified: bool,
    pub(crate) external_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) last_sign_in_at: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// The body of `POST /user_management/users` (and what a seed, an accepted invitation, a
/// magic auth sign-up and Connect create).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CreateUser {
    pub(crate) email: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) email_verified: Option<bool>,
    pub(crate) metadata: Option<BTreeMap<String, String>>,
    pub(crate) external_id: Option<String>,
    /// The password the user signs in with.
    pub(crate) password: Option<String>,
    pub(crate) password_hash: Option<String>,
    pub(crate) password_hash_type: Option<String>,
    pub(crate) locale: Option<String>,
}

impl CreateUser {
    /// A user with `email` and nothing else.
    pub(crate) fn with_email(email: impl Into<String>) -> Self {
        Self { email: email.into(), ..Self::default() }
    }
}

/// The body of `PUT /user_management/users/{id}`: the fields given change; `null` clears
/// `metadata`, `external_id` and `locale`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateUser {
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) email_verified: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) metadata: Option<Option<BTreeMap<String, String>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) external_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) locale: Option<Option<String>>,
    /// A new password: the user signs in with it from now on.
    pub(crate) password: Option<String>,
    /// A password hash imported from elsewhere (with `password_hash_type`): the emulator cannot
    /// check one, so the user no longer signs in with a password.
    pub(crate) password_hash: Option<String>,
    pub(crate) password_hash_type: Option<String>,
}

/// A lower-cased email address, or a 422 naming `email`.
pub(crate) fn check_email(given: &str) -> ApiResult<String> {
    let email = given.trim().to_lowercase();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(ApiError::invalid_field(
            "email",
            "invalid",
            format!("email '{given}' is not an email address."),
        ));
    }
    Ok(email)
}

/// 400 when a body gives both a password and a password hash.
fn check_password_or_hash(password: Option<&String>, hash: Option<&String>) -> ApiResult<()> {
    if password.is_some() && hash.is_some() {
        return Err(ApiError::bad_request(
            "password_and_password_hash_provided",
            "password and password_hash are mutually exclusive.",
        ));
    }
    Ok(())
}

impl Store {
    pub(crate) fn user(&self, id: &str) -> ApiResult<&User> {
        self.users.get(id)
    }

    /// The user with `email` (lower case).
    pub(crate) fn user_by_email(&self, email: &str) -> Option<&User> {
        let id = self.indexes.user_by_email.get(email)?;
        self.users.find(id)
    }

    /// The user with external id `ext`.
    pub(crate) fn user_by_external(&self, ext: &str) -> Option<&User> {
        let id = self.indexes.user_by_external.get(ext)?;
        self.users.find(id)
    }

    /// Adds a user (its id is the newest) and indexes their email and external id.
    pub(crate) fn insert_user(&mut self, user: User) {
        self.indexes.user_by_email.insert(user.email.clone(), user.id.clone());
        if let Some(ext) = &user.external_id {
            self.indexes.user_by_external.insert(ext.clone(), user.id.clone());
        }
        self.users.push(user);
    }

    /// Changes the email of the user at `index` (the caller checked it is free).
    pub(crate) fn set_email(&mut self, index: usize, email: String) {
        let user = &mut self.users[index];
        self.indexes.user_by_email.remove(&user.email);
        self.indexes.user_by_email.insert(email.clone(), user.id.clone());
        user.email = email;
    }

    /// Sets the external id of the user at `index` (the caller checked it is free).
    pub(crate) fn set_user_external(&mut self, index: usize, ext: Option<String>) {
        let user = &mut self.users[index];
        if let Some(old) = user.external_id.take() {
            self.indexes.user_by_external.remove(&old);
        }
        if let Some(new) = &ext {
            self.indexes.user_by_external.insert(new.clone(), user.id.clone());
        }
        user.external_id = ext;
    }

    /// Removes a user and their memberships.
    pub(crate) fn remove_user(&mut self, id: &str) {
        self.remove_memberships(|m| m.user_id == id);
        if let Some(user) = self.users.find(id) {
            let (email, ext) = (user.email.clone(), user.external_id.clone());
            self.indexes.user_by_email.remove(&email);
            if let Some(ext) = ext {
                self.indexes.user_by_external.remove(&ext);
            }
        }
        self.api_keys.retain(|k| k.owner["id"] != id);
        self.auth_sessions.retain(|s| s.user_id != id);
        for flag in &mut self.flags {
            flag.targets.retain(|t| t != id);
        }
        self.users.retain(|u| u.id != id);
    }

    /// `POST /user_management/users`: emits `user.created`. An email or external id another
    /// user has is a 400 `user_creation_error`.
    pub(crate) fn create_user(&mut self, new: CreateUser) -> ApiResult<User> {
        let email = check_email(&new.email)?;
        max_len("external_id", new.external_id.as_deref(), 128)?;
        check_password_or_hash(new.password.as_ref(), new.password_hash.as_ref())?;
        if new.password.is_some() && new.password_hash_type.is_some() {
            return Err(ApiError::bad_request(
                "password_and_password_hash_type_provided",
                "password and password_hash_type are mutually exclusive.",
            ));
        }
        check_metadata(new.metadata.as_ref())?;
        if self.user_by_email(&email).is_some() {
            let mut e = ApiError::bad_request("user_creation_error", "Could not create user.");
            e.errors.push(FieldError {
                field: "email".to_owned(),
                code: "email_not_available",
                message: format!("Email '{email}' is not available."),
                instance_path: None,
            });
            return Err(e);
        }
        if let Some(ext) = &new.external_id
            && self.user_by_external(ext).is_some()
        {
            return Err(ApiError::bad_request(
                "user_creation_error",
                format!("External id '{ext}' is already used."),
            ));
        }
        let at = now();
        let user = User {
            object: "user",
            id: self.ids.next("user"),
            first_name: new.first_name,
            last_name: new.last_name,
            profile_picture_url: None,
            email,
            email_verified: new.email_verified.unwrap_or(false),
            external_id: new.external_id,
            metadata: new.metadata.unwrap_or_default(),
            last_sign_in_at: None,
            locale: new.locale,
            created_at: at.clone(),
            updated_at: at,
        };
        if let Some(password) = new.password {
            self.passwords.insert(user.id.clone(), password);
        }
        self.insert_user(user.clone());
        self.emit_record("user.created", &user);
        Ok(user)
    }

    /// `GET /user_management/users`: a page, filtered by `organization_id` (or
    /// `organization`) and `email`, from the indexes.
    pub(crate) fn list_users(&self, query: &Query) -> Value {
        let org = query.get("organization_id").or_else(|| query.get("organization"));
        let email = query.get("email").map(str::to_lowercase);
        if org.is_none() && email.is_none() {
            return query.page_sorted(&self.users, |u| &u.id);
        }
        // The user with the email, or the organization's members.
        let items: Vec<&User> = match (&email, org) {
            (Some(e), _) => self
                .user_by_email(e)
                .filter(|u| org.is_none_or(|o| self.membership_of(&u.id, o).is_some()))
                .into_iter()
                .collect(),
            (None, Some(o)) => {
                self.memberships_by(false, o).filter_map(|m| self.users.find(&m.user_id)).collect()
            }
            (None, None) => Vec::new(),
        };
        query.page(items, |u| &u.id)
    }

    /// `GET /user_management/users/external_id/{external_id}`.
    pub(crate) fn get_user_by_external(&self, ext: &str) -> ApiResult<&User> {
        self.user_by_external(ext).ok_or_else(|| ApiError::not_found("User", ext))
    }

    /// The checks of an update: the new email (lower-cased) when one is given.
    fn check_user_changes(&self, id: &str, changes: &UpdateUser) -> ApiResult<Option<String>> {
        let email = changes.email.as_deref().map(check_email).transpose()?;
        if let Some(email) = &email
            && self.user_by_email(email).is_some_and(|u| u.id != id)
        {
            return Err(ApiError::invalid_field(
                "email",
                "email_not_available",
                format!("Email '{email}' is not available."),
            ));
        }
        let external_id = changes.external_id.as_ref().and_then(|e| e.as_deref());
        max_len("external_id", external_id, 128)?;
        if let Some(ext) = external_id
            && self.user_by_external(ext).is_some_and(|u| u.id != id)
        {
            return Err(ApiError::bad_request(
                "external_id_already_used",
                format!("External id '{ext}' is already used."),
            ));
        }
        check_metadata(changes.metadata.as_ref().and_then(Option::as_ref))?;
        check_password_or_hash(changes.password.as_ref(), changes.password_hash.as_ref())?;
        if changes.password_hash.is_some() != changes.password_hash_type.is_some() {
            return Err(ApiError::invalid_field(
                "password_hash_type",
                "required",
                "password_hash and password_hash_type go together.",
            ));
        }
        Ok(email)
    }

    /// `PUT /user_management/users/{id}`: emits `user.updated`. A new email is unverified; a
    /// password hash ends sign-in by password.
    pub(crate) fn update_user(&mut self, id: &str, changes: UpdateUser) -> ApiResult<User> {
        let index = self.users.index_of(id)?;
        let email = self.check_user_changes(id, &changes)?;
        if let Some(password) = changes.password {
            self.passwords.insert(id.to_owned(), password);
        } else if changes.password_hash.is_some() {
            self.passwords.remove(id);
        }
        if let Some(email) = email
            && email != self.users[index].email
        {
            self.users[index].email_verified = false;
            self.set_email(index, email);
        }
        if let Some(external_id) = changes.external_id {
            self.set_user_external(index, external_id);
        }
        let user = &mut self.users[index];
        if let Some(first) = changes.first_name {
            user.first_name = Some(first);
        }
        if let Some(last) = changes.last_name {
            user.last_name = Some(last);
        }
        if let Some(verified) = changes.email_verified {
            user.email_verified = verified;
        }
        if let Some(metadata) = changes.metadata {
            user.metadata = metadata.unwrap_or_default();
        }
        if let Some(locale) = changes.locale {
            user.locale = locale;
        }
        user.updated_at = now();
        let user = user.clone();
        self.emit_record("user.updated", &user);
        Ok(user)
    }

    /// `DELETE /user_management/users/{id}`: the user and their memberships; emits
    /// `user.deleted`. Answers the deleted user.
    pub(crate) fn delete_user(&mut self, id: &str) -> ApiResult<User> {
        let user = self.user(id)?.clone();
        self.remove_user(id);
        self.emit_record("user.deleted", &user);
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{event_names, membership, organization, user};

    #[test]
    fn an_unknown_id_is_a_404_naming_the_user() {
        let mut store = Store::default();
        for e in [
            store.user("user_nope").map(drop).unwrap_err(),
            store.update_user("user_nope", UpdateUser::default()).map(drop).unwrap_err(),
            store.delete_user("user_nope").map(drop).unwrap_err(),
            store.get_user_by_external("ext").map(drop).unwrap_err(),
        ] {
            assert_eq!((e.status.as_u16(), e.code), (404, Some("entity_not_found")));
            assert!(e.message.starts_with("User not found: '"), "{}", e.message);
        }
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(check_email("  Ada@Acme.TEST ").ok().as_deref(), Some("ada@acme.test"));
        for bad in ["ada", "@acme.test", "ada@"] {
            let e = check_email(bad).unwrap_err();
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "email"), "{bad}");
        }
    }

    #[test]
    fn creating_refuses_taken_emails_and_external_ids_and_mixed_passwords() {
        let mut store = Store::default();
        let ada = store
            .create_user(CreateUser {
                external_id: Some("e1".into()),
                password: Some("secret-1".into()),
                ..CreateUser::with_email("Ada@A.test")
            })
            .expect("created");
        assert_eq!((ada.email.as_str(), ada.email_verified), ("ada@a.test", false));
        assert_eq!(store.passwords.get(&ada.id).map(String::as_str), Some("secret-1"));
        let e = store.create_user(CreateUser::with_email("ada@a.test")).unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.code, e.errors[0].code),
            (400, Some("user_creation_error"), "email_not_available")
        );
        let e = store
            .create_user(CreateUser { external_id: Some("e1".into()), ..CreateUser::with_email("b@a.test") })
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (Some("user_creation_error"), "External id 'e1' is already used.")
        );
        let both = CreateUser {
            password: Some("p".into()),
            password_hash: Some("h".into()),
            ..CreateUser::with_email("c@a.test")
        };
        assert_eq!(store.create_user(both).unwrap_err().code, Some("password_and_password_hash_provided"));
        let typed = CreateUser {
            password: Some("p".into()),
            password_hash_type: Some("bcrypt".into()),
            ..CreateUser::with_email("c@a.test")
        };
        assert_eq!(
            store.create_user(typed).unwrap_err().code,
            Some("password_and_password_hash_type_provided")
        );
        assert_eq!((store.users.len(), event_names(&store)), (1, vec!["user.created".to_owned()]));
    }

    #[test]
    fn an_update_unverifies_a_new_email_and_keeps_indexes() {
        let mut store = Store::default();
        let ada = store
            .create_user(CreateUser { email_verified: Some(true), ..CreateUser::with_email("ada@a.test") })
            .expect("ada");
        user(&mut store, "bob@a.test");
        let taken = UpdateUser { email: Some("BOB@a.test".into()), ..UpdateUser::default() };
        let e = store.update_user(&ada.id, taken).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].code), (422, "email_not_available"));
        let changes = UpdateUser {
            email: Some("ada2@a.test".into()),
            external_id: Some(Some("x".into())),
            locale: Some(Some("fr".into())),
            ..UpdateUser::default()
        };
        let updated = store.update_user(&ada.id, changes).expect("updated");
        assert_eq!(
            (updated.email.as_str(), updated.email_verified, updated.locale.as_deref()),
            ("ada2@a.test", false, Some("fr"))
        );
        assert!(store.user_by_email("ada@a.test").is_none());
        assert_eq!(store.get_user_by_external("x").map(|u| u.id.clone()).ok(), Some(ada.id.clone()));
        let cleared = store
            .update_user(
                &ada.id,
                UpdateUser { external_id: Some(None), locale: Some(None), ..UpdateUser::default() },
            )
            .expect("cleared");
        assert_eq!((cleared.external_id, cleared.locale), (None, None));
        assert_eq!(event_names(&store).iter().filter(|e| *e == "user.updated").count(), 2);
    }

    #[test]
    fn a_password_hash_ends_sign_in_by_password_and_needs_its_type() {
        let mut store = Store::default();
        let ada = user(&mut store, "ada@a.test");
        store
            .update_user(&ada.id, UpdateUser { password: Some("new-pass".into()), ..UpdateUser::default() })
            .expect("set");
        assert_eq!(store.passwords.get(&ada.id).map(String::as_str), Some("new-pass"));
        let lonely = UpdateUser { password_hash: Some("h".into()), ..UpdateUser::default() };
        let e = store.update_user(&ada.id, lonely).unwrap_err();
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "password_hash_type"));
        let hashed = UpdateUser {
            password_hash: Some("h".into()),
            password_hash_type: Some("bcrypt".into()),
            ..UpdateUser::default()
        };
        store.update_user(&ada.id, hashed).expect("hashed");
        assert!(!store.passwords.contains_key(&ada.id));
    }

    #[test]
    fn deleting_takes_the_memberships_and_lists_follow_the_indexes() {
        let mut store = Store::default();
        let org = organization(&mut store, "A");
        let (ada, bob) = (user(&mut store, "ada@a.test"), user(&mut store, "bob@a.test"));
        membership(&mut store, &ada.id, &org.id);
        let ids = |store: &Store, raw: &str| -> Vec<String> {
            let page = store.list_users(&Query::parse(Some(raw)).expect("query"));
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|u| u["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(ids(&store, ""), [bob.id.clone(), ada.id.clone()]);
        assert_eq!(ids(&store, &format!("organization_id={}", org.id)), [ada.id.as_str()]);
        assert_eq!(ids(&store, "email=BOB@a.test"), [bob.id.as_str()]);
        assert!(ids(&store, &format!("email=bob@a.test&organization_id={}", org.id)).is_empty());
        assert_eq!(store.delete_user(&ada.id).expect("deleted").id, ada.id);
        assert!(store.memberships.is_empty() && store.user_by_email("ada@a.test").is_none());
        assert_eq!(event_names(&store).last().map(String::as_str), Some("user.deleted"));
    }
}
