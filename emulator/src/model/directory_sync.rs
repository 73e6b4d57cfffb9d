//! Directory Sync: directories, their groups and users, as seeded ([`crate::Seed::directories`]),
//! read through the API; a directory can be deleted, with its users and groups, and a sync
//! queued.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::{ApiError, ApiResult};
use super::ids::{now, suffix};
use super::list::Query;
use super::*;

records!(
    Directory => "Directory",
    DirectoryGroup => "Directory group",
    DirectoryUser => "Directory user",
);

/// `Directory` (directory sync): read only, seeded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Directory {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) external_key: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) state: Name,
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) domain: Option<String>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryGroup`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryGroup {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) idp_id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) name: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// `DirectoryUser` (its answer adds `groups`, see [`DirectoryUserAnswer`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryUser {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) directory_id: String,
    pub(crate) organization_id: String,
    pub(crate) idp_id: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) state: String,
    pub(crate) raw_attributes: BTreeMap<String, Value>,
    pub(crate) custom_attributes: BTreeMap<String, Value>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    /// Ids of the groups the user is in.
    #[serde(default, skip_serializing_if = "crate::model::persist::answering")]
    pub(crate) group_ids: Vec<String>,
}

/// The document's provider types.
const TYPES: &[&str] = &[
    "azure scim v2.0",
    "bamboohr",
    "breathe hr",
    "cezanne hr",
    "cyberark scim v2.0",
    "fourth hr",
    "generic scim v2.0",
    "gsuite directory",
    "hibob",
    "sailpoint scim v2.0",
    "jump cloud scim v2.0",
    "okta scim v2.0",
    "onelogin scim v2.0",
    "people hr",
    "personio",
    "pingfederate scim v2.0",
    "rippling scim v2.0",
    "s3",
    "sftp",
    "sftp workday",
    "workday",
];

/// A directory's answer: the record with its user and group counts.
#[derive(Debug, Serialize)]
pub(crate) struct DirectoryAnswer<'a> {
    #[serde(flatten)]
    directory: &'a Directory,
    metadata: DirectoryMetadata,
}

/// How many users (active and not) and groups a directory holds.
#[derive(Debug, Serialize)]
struct DirectoryMetadata {
    users: UserCounts,
    groups: usize,
}

#[derive(Debug, Serialize)]
struct UserCounts {
    active: usize,
    inactive: usize,
}

/// A directory user's answer: the record with its groups.
#[derive(Debug, Serialize)]
pub(crate) struct DirectoryUserAnswer<'a> {
    #[serde(flatten)]
    user: &'a DirectoryUser,
    groups: Vec<&'a DirectoryGroup>,
}

/// What `POST /directories/{id}/sync` answers: the sync is queued.
#[derive(Debug, Serialize)]
pub(crate) struct SyncQueued {
    status: &'static str,
}

/// Creates a seeded directory in organization `organization_id`, with its groups and users.
/// An unknown type, user state or group name is a 422.
pub(crate) fn seed_directory(
    store: &mut Store,
    organization_id: &str,
    seed: &SeedDirectory,
) -> ApiResult<()> {
    let kind = seed.kind.clone().unwrap_or_else(|| "generic scim v2.0".to_owned());
    if !TYPES.contains(&kind.as_str()) {
        return Err(ApiError::invalid_field("type", "invalid", format!("'{kind}' is not a directory type.")));
    }
    let at = now();
    let directory = Directory {
        object: "directory",
        id: store.ids.next("directory"),
        organization_id: organization_id.to_owned(),
        external_key: suffix(),
        kind,
        state: "linked",
        name: seed.name.clone(),
        domain: seed.domain.clone(),
        created_at: at.clone(),
        updated_at: at,
    };
    let groups: Vec<DirectoryGroup> =
        seed.groups.iter().map(|name| seed_group(store, &directory, name)).collect();
    for user in &seed.users {
        let user = seed_user(store, &directory, &groups, user)?;
        store.directory_users.push(user);
    }
    store.directory_groups.extend(groups);
    store.directories.push(directory);
    Ok(())
}

/// A group of a seeded directory.
fn seed_group(store: &mut Store, directory: &Directory, name: &str) -> DirectoryGroup {
    DirectoryGroup {
        object: "directory_group",
        id: store.ids.next("directory_group"),
        idp_id: format!("group-{}", suffix()),
        directory_id: directory.id.clone(),
        organization_id: directory.organization_id.clone(),
        name: name.to_owned(),
        raw_attributes: Default::default(),
        created_at: directory.created_at.clone(),
        updated_at: directory.created_at.clone(),
    }
}

/// A user of a seeded directory, in its `groups` by name.
fn seed_user(
    store: &mut Store,
    directory: &Directory,
    groups: &[DirectoryGroup],
    seed: &SeedDirectoryUser,
) -> ApiResult<DirectoryUser> {
    let state = seed.state.clone().unwrap_or_else(|| "active".to_owned());
    if !matches!(state.as_str(), "active" | "suspended" | "inactive") {
        return Err(ApiError::invalid_field("state", "invalid", format!("'{state}' is not a user state.")));
    }
    let mut group_ids = Vec::new();
    for g in &seed.groups {
        let group = groups.iter().find(|x| x.name == *g).ok_or_else(|| {
            ApiError::invalid_field(
                "groups",
                "invalid",
                format!("no group '{g}' in directory '{}'", directory.name),
            )
        })?;
        group_ids.push(group.id.clone());
    }
    Ok(DirectoryUser {
        object: "directory_user",
        id: store.ids.next("directory_user"),
        directory_id: directory.id.clone(),
        organization_id: directory.organization_id.clone(),
        idp_id: format!("user-{}", suffix()),
        email: Some(seed.email.to_lowercase()),
        first_name: seed.first_name.clone(),
        last_name: seed.last_name.clone(),
        state,
        raw_attributes: Default::default(),
        custom_attributes: seed.custom_attributes.clone(),
        created_at: directory.created_at.clone(),
        updated_at: directory.created_at.clone(),
        group_ids,
    })
}

/// The document's 422 for the user and group lists: a message, no code.
fn unprocessable(message: &str) -> ApiError {
    ApiError { code: None, ..ApiError::unprocessable("invalid_request_parameters", message) }
}

impl Store {
    /// A directory's answer, with its user and group counts.
    fn directory_answer<'a>(&'a self, directory: &'a Directory) -> DirectoryAnswer<'a> {
        let users = self.directory_users.iter().filter(|u| u.directory_id == directory.id);
        let (active, inactive) =
            users.fold((0, 0), |(a, i), u| if u.state == "active" { (a + 1, i) } else { (a, i + 1) });
        let groups = self.directory_groups.iter().filter(|g| g.directory_id == directory.id).count();
        DirectoryAnswer {
            directory,
            metadata: DirectoryMetadata { users: UserCounts { active, inactive }, groups },
        }
    }

    /// A directory user's answer: the record with its groups.
    fn directory_user_answer<'a>(&'a self, user: &'a DirectoryUser) -> DirectoryUserAnswer<'a> {
        let groups = user.group_ids.iter().filter_map(|id| self.directory_groups.find(id)).collect();
        DirectoryUserAnswer { user, groups }
    }

    /// The page of directories `query` asks for, filtered by `organization_id`, `domain` and
    /// `search` (in the name, any case).
    pub(crate) fn directories_page(&self, query: &Query) -> Value {
        let (org, domain) = (query.get("organization_id"), query.get("domain"));
        let search = query.get("search").map(str::to_lowercase);
        let items: Vec<&Directory> = self
            .directories
            .iter()
            .filter(|d| org.is_none_or(|o| d.organization_id == o))
            .filter(|d| domain.is_none_or(|x| d.domain.as_deref() == Some(x)))
            .filter(|d| search.as_ref().is_none_or(|s| d.name.to_lowercase().contains(s)))
            .collect();
        query.page_with(items, |d| &d.id, |d| self.directory_answer(d))
    }

    /// The directory with `id`, with its counts.
    pub(crate) fn directory(&self, id: &str) -> ApiResult<DirectoryAnswer<'_>> {
        Ok(self.directory_answer(self.directories.get(id)?))
    }

    /// Queues a sync of a directory, as WorkOS answers (the emulator's directories hold what
    /// was seeded, so there is nothing to fetch).
    pub(crate) fn sync_directory(&self, id: &str) -> ApiResult<SyncQueued> {
        self.directories.get(id)?;
        Ok(SyncQueued { status: "queued" })
    }

    /// Deletes a directory with its users and groups; `dsync.deleted`, whose directory is in
    /// state `deleting` (WorkOS deletes asynchronously; here it is done at once).
    pub(crate) fn delete_directory(&mut self, id: &str) -> ApiResult<()> {
        let d = self.directories.take(id)?;
        let data = json!({
            "object": "directory",
            "id": d.id,
            "organization_id": d.organization_id,
            "type": d.kind,
            "state": "deleting",
            "name": d.name,
            "created_at": d.created_at,
            "updated_at": now(),
        });
        self.directory_users.retain(|u| u.directory_id != id);
        self.directory_groups.retain(|g| g.directory_id != id);
        self.emit("dsync.deleted", data);
        Ok(())
    }

    /// The page of the users of directory `directory` or group `group` (one of them is
    /// required, as WorkOS requires; an unknown one is a 404).
    pub(crate) fn directory_users_page(&self, query: &Query) -> ApiResult<Value> {
        let (dir, group) = (query.get("directory"), query.get("group"));
        match (dir, group) {
            (None, None) => return Err(unprocessable("directory or group is required.")),
            (Some(d), _) => self.directories.get(d).map(drop)?,
            (None, Some(g)) => self.directory_groups.get(g).map(drop)?,
        }
        let items: Vec<&DirectoryUser> = self
            .directory_users
            .iter()
            .filter(|u| dir.is_none_or(|d| u.directory_id == d))
            .filter(|u| group.is_none_or(|g| u.group_ids.iter().any(|x| x == g)))
            .collect();
        Ok(query.page_with(items, |u| &u.id, |u| self.directory_user_answer(u)))
    }

    /// The directory user with `id`, with their groups.
    pub(crate) fn directory_user(&self, id: &str) -> ApiResult<DirectoryUserAnswer<'_>> {
        Ok(self.directory_user_answer(self.directory_users.get(id)?))
    }

    /// The page of the groups of directory `directory` or of user `user` (one is required).
    pub(crate) fn directory_groups_page(&self, query: &Query) -> ApiResult<Value> {
        let (dir, user) = (query.get("directory"), query.get("user"));
        let member_of: Option<&[String]> = match (dir, user) {
            (None, None) => return Err(unprocessable("directory or user is required.")),
            (Some(d), _) => {
                self.directories.get(d)?;
                None
            }
            (None, Some(u)) => Some(&self.directory_users.get(u)?.group_ids),
        };
        let items: Vec<&DirectoryGroup> = self
            .directory_groups
            .iter()
            .filter(|g| dir.is_none_or(|d| g.directory_id == d))
            .filter(|g| member_of.is_none_or(|ids| ids.contains(&g.id)))
            .collect();
        Ok(query.page(items, |g| &g.id))
    }

    /// The directory group with `id`.
    pub(crate) fn directory_group(&self, id: &str) -> ApiResult<&DirectoryGroup> {
        self.directory_groups.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> Query {
        Query::parse(Some(raw)).expect("a valid query")
    }

    /// A store with directory "Staff" (groups Eng and Ops; Ada in Eng, active; Bob in none,
    /// suspended) of organization `org_1`.
    fn staff() -> Store {
        let mut store = Store::default();
        let seed: SeedDirectory = serde_json::from_value(json!({
            "name": "Staff", "organization": "Acme", "domain": "acme.test", "groups": ["Eng", "Ops"],
            "users": [
                {"email": "ADA@acme.test", "groups": ["Eng"]},
                {"email": "bob@acme.test", "state": "suspended"},
            ],
        }))
        .expect("a seed directory");
        seed_directory(&mut store, "org_1", &seed).expect("seeded");
        store
    }

    fn ids(page: &Value, field: &str) -> Vec<String> {
        page["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x[field].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn seeding_checks_types_states_and_groups() {
        let mut store = Store::default();
        let mut seed =
            SeedDirectory { name: "D".into(), kind: Some("ldap".into()), ..SeedDirectory::default() };
        let e = seed_directory(&mut store, "org_1", &seed).expect_err("unknown type");
        assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, "type"));
        seed.kind = None;
        seed.users =
            vec![serde_json::from_value(json!({"email": "a@x.test", "state": "gone"})).expect("user")];
        assert_eq!(seed_directory(&mut store, "org_1", &seed).expect_err("state").errors[0].field, "state");
        seed.users =
            vec![serde_json::from_value(json!({"email": "a@x.test", "groups": ["Nope"]})).expect("user")];
        let e = seed_directory(&mut store, "org_1", &seed).expect_err("no such group");
        assert_eq!(e.message, "no group 'Nope' in directory 'D'");
        assert!(store.directories.is_empty() && store.directory_users.is_empty());
    }

    #[test]
    fn a_directory_answers_with_its_counts_and_users_with_their_groups() {
        let store = staff();
        let id = store.directories[0].id.clone();
        let answer = serde_json::to_value(store.directory(&id).expect("there")).expect("serializes");
        assert_eq!(answer["metadata"], json!({"users": {"active": 1, "inactive": 1}, "groups": 2}));
        assert_eq!(
            (answer["type"].as_str(), answer["state"].as_str()),
            (Some("generic scim v2.0"), Some("linked"))
        );
        let ada = store.directory_users[0].id.clone();
        let answer = serde_json::to_value(store.directory_user(&ada).expect("there")).expect("serializes");
        assert_eq!(answer["email"], "ada@acme.test");
        assert_eq!(ids(&json!({"data": answer["groups"]}), "name"), ["Eng"]);
        assert!(answer.get("group_ids").is_none());
        assert_eq!(store.sync_directory(&id).expect("queued").status, "queued");
    }

    #[test]
    fn unknown_ids_are_404s_naming_the_kind() {
        let store = staff();
        let e = store.directory("directory_9").expect_err("unknown");
        assert_eq!(e.message, "Directory not found: 'directory_9'.");
        assert_eq!(store.directory_user("u").expect_err("unknown").message, "Directory user not found: 'u'.");
        assert_eq!(
            store.directory_group("g").expect_err("unknown").message,
            "Directory group not found: 'g'."
        );
        assert_eq!(store.directory_users_page(&query("group=g")).expect_err("unknown").status.as_u16(), 404);
        assert_eq!(store.sync_directory("d").expect_err("unknown").status.as_u16(), 404);
    }

    #[test]
    fn lists_need_a_directory_or_a_member() {
        let store = staff();
        let e = store.directory_users_page(&query("")).expect_err("neither");
        assert_eq!(
            (e.status.as_u16(), e.code, e.message.as_str()),
            (422, None, "directory or group is required.")
        );
        assert!(store.directory_groups_page(&query("")).is_err());
        let (dir, eng) = (store.directories[0].id.clone(), store.directory_groups[0].id.clone());
        let users = store.directory_users_page(&query(&format!("group={eng}"))).expect("listed");
        assert_eq!(ids(&users, "email"), ["ada@acme.test"]);
        let users = store.directory_users_page(&query(&format!("directory={dir}"))).expect("listed");
        assert_eq!(ids(&users, "email").len(), 2);
        let ada = store.directory_users[0].id.clone();
        let groups = store.directory_groups_page(&query(&format!("user={ada}"))).expect("listed");
        assert_eq!(ids(&groups, "name"), ["Eng"]);
        assert_eq!(ids(&store.directories_page(&query("search=STA")), "name"), ["Staff"]);
        assert!(ids(&store.directories_page(&query("domain=other.test")), "name").is_empty());
    }

    #[test]
    fn deleting_a_directory_takes_its_users_and_groups_and_emits_dsync_deleted() {
        let mut store = staff();
        let id = store.directories[0].id.clone();
        store.delete_directory(&id).expect("deleted");
        assert!(
            store.directories.is_empty()
                && store.directory_users.is_empty()
                && store.directory_groups.is_empty()
        );
        let event = store.events.log.back().expect("an event");
        assert_eq!(
            (event["event"].as_str(), event["data"]["state"].as_str()),
            (Some("dsync.deleted"), Some("deleting"))
        );
        assert_eq!(store.delete_directory(&id).expect_err("gone").status.as_u16(), 404);
    }
}
