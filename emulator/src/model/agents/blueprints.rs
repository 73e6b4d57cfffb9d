//! Agent blueprints: what an agent may do (the ceiling of its sessions' permissions), who may
//! mint sessions from it (roles, organizations), how (delegated, autonomous), and the lifetimes
//! of those sessions.
//!
//! The document defines no agent events, so the blueprint's writes emit none. It declares a 409
//! for create and update, but neither the overlay's sources nor the SDKs say what conflicts
//! (names are not said to be unique), so the emulator answers none.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::error::{ApiError, ApiResult, double_option, max_len, non_empty};
use crate::model::ids::now;
use crate::model::list::Query;
use crate::model::{Name, Store};

records!(
    Blueprint => "Agent blueprint",
);

/// The session lifetimes' upper bounds, in seconds, as the document states them.
const MAX_AGE_LIMIT: u64 = 31_536_000;
const ACCESS_TTL_LIMIT: u64 = 3_600;
const REFRESH_TTL_LIMIT: u64 = 5_184_000;

/// The document's `AgentBlueprint`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Blueprint {
    #[serde(deserialize_with = "crate::model::persist::interned")]
    pub(crate) object: Name,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) invocable_by: InvocableBy,
    pub(crate) invocable_as: InvocableAs,
    pub(crate) session_settings: SessionSettings,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}

/// Who may mint sessions: members with one of the roles, in one of the organizations (an
/// empty list allows any).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct InvocableBy {
    #[serde(default)]
    pub(crate) role_slugs: Vec<String>,
    #[serde(default)]
    pub(crate) organization_ids: Vec<String>,
}

/// An instance's type: acting for a user, or as the agent itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum InstanceType {
    Delegated,
    Autonomous,
}

/// The instance types sessions may be minted as.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InvocableAs {
    pub(crate) instance_types: Vec<InstanceType>,
}

impl Default for InvocableAs {
    /// Both, as the document says of an omitted `invocable_as`.
    fn default() -> Self {
        Self { instance_types: vec![InstanceType::Delegated, InstanceType::Autonomous] }
    }
}

/// Lifetimes of a blueprint's sessions and tokens, in seconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionSettings {
    pub(crate) max_age_seconds: u64,
    pub(crate) access_token_ttl_seconds: u64,
    pub(crate) refresh_token_ttl_seconds: u64,
}

impl Default for SessionSettings {
    /// The emulator's defaults (WorkOS does not publish its own): a day's session, ten
    /// minutes' access tokens, a day's refresh tokens.
    fn default() -> Self {
        Self { max_age_seconds: 86_400, access_token_ttl_seconds: 600, refresh_token_ttl_seconds: 86_400 }
    }
}

/// `POST /agents/blueprints`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CreateBlueprint {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) permissions: Vec<String>,
    #[serde(default)]
    pub(crate) invocable_by: InvocableBy,
    #[serde(default)]
    pub(crate) invocable_as: Option<ListedTypes>,
    #[serde(default)]
    pub(crate) session_settings: Option<SettingsChange>,
}

/// `invocable_as` as a request gives it: omitted types are left as they are.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct ListedTypes {
    pub(crate) instance_types: Option<Vec<InstanceType>>,
}

/// `invocable_by` in an update: omitted lists are left unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct InvocableByChange {
    pub(crate) role_slugs: Option<Vec<String>>,
    pub(crate) organization_ids: Option<Vec<String>>,
}

/// `session_settings` as a request gives it: omitted fields are left as they are (the
/// defaults on create).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SettingsChange {
    pub(crate) max_age_seconds: Option<u64>,
    pub(crate) access_token_ttl_seconds: Option<u64>,
    pub(crate) refresh_token_ttl_seconds: Option<u64>,
}

/// `PATCH /agents/blueprints/{id}`: what is given replaces what was.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct UpdateBlueprint {
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub(crate) description: Option<Option<String>>,
    pub(crate) permissions: Option<Vec<String>>,
    pub(crate) invocable_by: Option<InvocableByChange>,
    pub(crate) invocable_as: Option<ListedTypes>,
    pub(crate) session_settings: Option<SettingsChange>,
}

impl SettingsChange {
    /// `settings` with this change, each lifetime at least a second and within its bound (a
    /// 422 naming the field otherwise).
    fn apply(&self, settings: &SessionSettings) -> ApiResult<SessionSettings> {
        let fields = [
            ("max_age_seconds", self.max_age_seconds, settings.max_age_seconds, MAX_AGE_LIMIT),
            (
                "access_token_ttl_seconds",
                self.access_token_ttl_seconds,
                settings.access_token_ttl_seconds,
                ACCESS_TTL_LIMIT,
            ),
            (
                "refresh_token_ttl_seconds",
                self.refresh_token_ttl_seconds,
                settings.refresh_token_ttl_seconds,
                REFRESH_TTL_LIMIT,
            ),
        ];
        let mut values = [0; 3];
        for (at, (name, given, was, limit)) in fields.into_iter().enumerate() {
            let value = given.unwrap_or(was);
            if !(1..=limit).contains(&value) {
                return Err(ApiError::invalid_field(
                    &format!("session_settings.{name}"),
                    "invalid",
                    format!("session_settings.{name} must be between 1 and {limit}, got {value}."),
                ));
            }
            values[at] = value;
        }
        let [max_age_seconds, access_token_ttl_seconds, refresh_token_ttl_seconds] = values;
        Ok(SessionSettings { max_age_seconds, access_token_ttl_seconds, refresh_token_ttl_seconds })
    }
}

impl Store {
    /// Checks what a blueprint names: a name, permissions and organizations that exist, and at
    /// least one instance type (a 422 naming the field otherwise).
    fn check_blueprint(&self, b: &Blueprint) -> ApiResult<()> {
        non_empty("name", &b.name)?;
        max_len("name", Some(&b.name), 255)?;
        for (i, slug) in b.permissions.iter().enumerate() {
            self.permission(slug).map_err(|_| {
                ApiError::invalid_field(
                    &format!("permissions[{i}]"),
                    "invalid",
                    format!("No permission '{slug}'."),
                )
            })?;
        }
        for (i, org) in b.invocable_by.organization_ids.iter().enumerate() {
            self.organization(org).map_err(|_| {
                ApiError::invalid_field(
                    &format!("invocable_by.organization_ids[{i}]"),
                    "invalid",
                    format!("No organization '{org}'."),
                )
            })?;
        }
        if b.invocable_as.instance_types.is_empty() {
            return Err(ApiError::invalid_field(
                "invocable_as.instance_types",
                "required",
                "invocable_as.instance_types must name delegated, autonomous, or both.",
            ));
        }
        Ok(())
    }

    /// Makes a blueprint; omitted settings take the defaults (both instance types).
    pub(crate) fn create_agent_blueprint(&mut self, new: CreateBlueprint) -> ApiResult<Blueprint> {
        let at = now();
        let types = new.invocable_as.and_then(|t| t.instance_types);
        let mut blueprint = Blueprint {
            object: "agent_blueprint",
            id: String::new(),
            name: new.name,
            description: new.description,
            permissions: dedup(new.permissions),
            invocable_by: new.invocable_by,
            invocable_as: types
                .map_or_else(InvocableAs::default, |t| InvocableAs { instance_types: dedup(t) }),
            session_settings: new.session_settings.unwrap_or_default().apply(&SessionSettings::default())?,
            created_at: at.clone(),
            updated_at: at,
        };
        self.check_blueprint(&blueprint)?;
        blueprint.id = self.ids.next("agent_blueprint");
        self.agents.blueprints.push(blueprint.clone());
        Ok(blueprint)
    }

    pub(crate) fn agent_blueprint(&self, id: &str) -> ApiResult<&Blueprint> {
        self.agents.blueprints.get(id)
    }

    /// The page of blueprints.
    pub(crate) fn agent_blueprints(&self, query: &Query) -> Value {
        query.page(self.agents.blueprints.iter().collect(), |b| &b.id)
    }

    /// Changes what the update gives; the blueprint is checked as a whole before it is kept.
    pub(crate) fn update_agent_blueprint(
        &mut self,
        id: &str,
        change: UpdateBlueprint,
    ) -> ApiResult<Blueprint> {
        let mut b = self.agents.blueprints.get(id)?.clone();
        if let Some(name) = change.name {
            b.name = name;
        }
        if let Some(description) = change.description {
            b.description = description;
        }
        if let Some(permissions) = change.permissions {
            b.permissions = dedup(permissions);
        }
        if let Some(by) = change.invocable_by {
            b.invocable_by.role_slugs = by.role_slugs.unwrap_or(b.invocable_by.role_slugs);
            b.invocable_by.organization_ids = by.organization_ids.unwrap_or(b.invocable_by.organization_ids);
        }
        if let Some(types) = change.invocable_as.and_then(|t| t.instance_types) {
            b.invocable_as.instance_types = dedup(types);
        }
        if let Some(settings) = change.session_settings {
            b.session_settings = settings.apply(&b.session_settings)?;
        }
        self.check_blueprint(&b)?;
        b.updated_at = now();
        *self.agents.blueprints.get_mut(id)? = b.clone();
        Ok(b)
    }

    /// Deletes a blueprint with its instances and their sessions.
    pub(crate) fn delete_agent_blueprint(&mut self, id: &str) -> ApiResult<Blueprint> {
        let blueprint = self.agents.blueprints.take(id)?;
        let instances: Vec<String> = self
            .agents
            .instances
            .iter()
            .filter(|i| i.agent_blueprint_id == id)
            .map(|i| i.id.clone())
            .collect();
        self.agents.instances.retain(|i| i.agent_blueprint_id != id);
        self.agents.sessions.retain(|s| !instances.contains(&s.agent_instance_id));
        Ok(blueprint)
    }
}

/// `items` without repeats, in the order first given.
fn dedup<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::authorization::fixtures::permission;
    use crate::model::testing::organization;

    pub(crate) fn input<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("a valid input")
    }

    #[test]
    fn a_blueprint_takes_the_defaults_and_names_what_exists() {
        let mut store = Store::default();
        store.create_permission(permission("docs:read")).expect("permission");
        let org = organization(&mut store, "Acme").id;
        let made = store
            .create_agent_blueprint(input(
                json!({"name": "Helper", "permissions": ["docs:read", "docs:read"],
                "invocable_by": {"organization_ids": [org]}}),
            ))
            .expect("made");
        assert_eq!(made.permissions, ["docs:read"]);
        assert_eq!(made.invocable_as.instance_types, [InstanceType::Delegated, InstanceType::Autonomous]);
        assert_eq!(made.session_settings.access_token_ttl_seconds, 600);
        assert!(made.description.is_none() && made.invocable_by.role_slugs.is_empty());
        for (bad, field) in [
            (json!({"name": " "}), "name"),
            (json!({"name": "A", "permissions": ["nope"]}), "permissions[0]"),
            (
                json!({"name": "A", "invocable_by": {"organization_ids": ["org_9"]}}),
                "invocable_by.organization_ids[0]",
            ),
            (json!({"name": "A", "invocable_as": {"instance_types": []}}), "invocable_as.instance_types"),
            (
                json!({"name": "A", "session_settings": {"access_token_ttl_seconds": 3601}}),
                "session_settings.access_token_ttl_seconds",
            ),
            (
                json!({"name": "A", "session_settings": {"max_age_seconds": 0}}),
                "session_settings.max_age_seconds",
            ),
        ] {
            let e = store.create_agent_blueprint(input(bad)).expect_err(field);
            assert_eq!((e.status.as_u16(), e.errors[0].field.as_str()), (422, field));
        }
        assert_eq!(store.agents.blueprints.len(), 1, "a refused blueprint is not kept");
        let page = store.agent_blueprints(&Query::parse(None).expect("query"));
        assert_eq!(page["data"][0]["id"], made.id.as_str());
    }

    #[test]
    fn an_update_changes_what_it_gives_and_a_delete_takes_the_blueprint() {
        let mut store = Store::default();
        let made = store
            .create_agent_blueprint(input(json!({"name": "Helper", "description": "Helps",
                "invocable_by": {"role_slugs": ["admin"]}, "session_settings": {"max_age_seconds": 3600}})))
            .expect("made");
        let changed = store
            .update_agent_blueprint(&made.id, input(json!({"description": null, "invocable_by": {"organization_ids": []},
                "invocable_as": {"instance_types": ["autonomous"]}, "session_settings": {"refresh_token_ttl_seconds": 60}})))
            .expect("updated");
        assert_eq!((changed.name.as_str(), changed.description.as_deref()), ("Helper", None));
        assert_eq!(changed.invocable_by.role_slugs, ["admin"], "an omitted list is left unchanged");
        assert_eq!(changed.invocable_as.instance_types, [InstanceType::Autonomous]);
        let s = &changed.session_settings;
        assert_eq!((s.max_age_seconds, s.refresh_token_ttl_seconds), (3600, 60));
        let e = store.update_agent_blueprint(&made.id, input(json!({"name": ""}))).expect_err("blank");
        assert_eq!(e.errors[0].field, "name");
        assert_eq!(store.agent_blueprint(&made.id).expect("kept").name, "Helper");
        let e =
            store.update_agent_blueprint("agent_blueprint_9", UpdateBlueprint::default()).expect_err("none");
        assert_eq!(e.message, "Agent blueprint not found: 'agent_blueprint_9'.");
        store.delete_agent_blueprint(&made.id).expect("deleted");
        assert_eq!(store.delete_agent_blueprint(&made.id).expect_err("gone").status.as_u16(), 404);
    }
}
